import { redirect, type ActionFunctionArgs, type MetaFunction } from "@remix-run/cloudflare";
import { Form, useActionData, useNavigation } from "@remix-run/react";
import { CsrfField } from "../components/CsrfField";
import { FormError } from "../components/FormError";
import { WorkspaceFields } from "../components/WorkspaceFields";
import { callApi, formFailure, relayCookies } from "../lib/api.server";
import type { FormFailure } from "../lib/types";
import { useSession } from "../lib/use-session";

export const meta: MetaFunction = () => [{ title: "New workspace · Groupflow" }];

export async function action(args: ActionFunctionArgs) {
  const form = await args.request.formData();
  const result = await callApi(args, "/workspaces", {
    method: "POST",
    body: { name: String(form.get("name") ?? ""), slug: String(form.get("slug") ?? "") },
    csrfToken: form.get("csrf"),
  });
  if (!result.ok) return formFailure(args, result);
  return redirect("/home", { headers: relayCookies(result) });
}

export default function NewWorkspace() {
  const failure = useActionData<FormFailure>();
  const busy = useNavigation().state === "submitting";
  const { workspace, workspaces } = useSession();
  return (
    <>
      <header className="page-header">
        <h1>New workspace</h1>
        <p className="muted">
          {workspace
            ? "A separate workspace has its own team, API keys and data. You will be its owner."
            : workspaces.length
              ? "You are no longer in the workspace you were using. Switch to another of yours, or create a new one."
              : "You do not belong to a workspace at the moment. Create one, or open an invitation link you were sent."}
        </p>
      </header>
      <section className="panel">
        <Form method="post">
          <CsrfField />
          <FormError error={failure?.error} fields={["name", "slug"]} />
          <WorkspaceFields nameField="name" slugField="slug" error={failure?.error} />
          <button type="submit" className="primary" disabled={busy}>
            {busy ? "Creating…" : "Create workspace"}
          </button>
        </Form>
      </section>
    </>
  );
}
