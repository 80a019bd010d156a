import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/cloudflare";
import { Form, Link, useActionData, useNavigation } from "@remix-run/react";
import { Field } from "../components/Field";
import { FormError } from "../components/FormError";
import { WorkspaceFields } from "../components/WorkspaceFields";
import { callApi, formError, relayCookies } from "../lib/api.server";
import { assertSameOrigin } from "../lib/origin.server";
import { optionalSession } from "../lib/session.server";
import type { FormFailure } from "../lib/types";
import { NewPasswordField } from "../components/NewPasswordField";

export const meta: MetaFunction = () => [{ title: "Create your workspace · Groupflow" }];

const FIELDS = ["name", "email", "password", "workspaceName", "workspaceSlug"] as const;

export async function loader(args: LoaderFunctionArgs) {
  const session = await optionalSession(args);
  if (session.ok) throw redirect("/home", { headers: relayCookies(session) });
  return json(null, { headers: relayCookies(session) });
}

export async function action(args: ActionFunctionArgs) {
  assertSameOrigin(args.request);
  const form = await args.request.formData();
  const body = Object.fromEntries(FIELDS.map((field) => [field, String(form.get(field) ?? "")]));
  const result = await callApi(args, "/auth/signup", { method: "POST", body });
  if (!result.ok) return formError(result);
  return redirect("/home", { headers: relayCookies(result) });
}

export default function SignUp() {
  const failure = useActionData<FormFailure>();
  const busy = useNavigation().state !== "idle";
  const error = failure?.error;
  return (
    <main className="centered">
      <div className="card">
        <p className="brand">Groupflow</p>
        <h1>Create your workspace</h1>
        <Form method="post">
          <FormError error={error} fields={[...FIELDS]} />
          <Field label="Your name" name="name" autoComplete="name" required maxLength={100} error={error} autoFocus />
          <Field label="Work email" name="email" type="email" autoComplete="email" required error={error} />
          <NewPasswordField error={error} />
          <WorkspaceFields nameField="workspaceName" slugField="workspaceSlug" error={error} />
          <button type="submit" className="primary" disabled={busy}>
            {busy ? "Creating…" : "Create workspace"}
          </button>
        </Form>
        <p className="aside">
          Already have an account? <Link to="/login">Log in</Link>
        </p>
      </div>
    </main>
  );
}
