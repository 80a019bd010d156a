import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/cloudflare";
import { useActionData, useLoaderData } from "@remix-run/react";
import { InvitationAnswer } from "../components/invite/InvitationAnswer";
import { badIntent, callApi, formError, formFailure, relayCookies } from "../lib/api.server";
import { assertSameOrigin } from "../lib/origin.server";
import { optionalSession } from "../lib/session.server";
import type { InvitationView } from "../lib/types";

export const meta: MetaFunction = () => [{ title: "Invitation · Groupflow" }];

export async function loader(args: LoaderFunctionArgs) {
  const token = args.params.token ?? "";
  const [lookup, session] = await Promise.all([
    callApi<{ invitation: InvitationView }>(args, "/invitations/lookup", { method: "POST", body: { token }, session: false }),
    optionalSession(args),
  ]);
  if (!lookup.ok) {
    // A malformed token and an unknown one are the same thing to the person holding the link.
    throw json({ error: { code: "not_found", message: "This invitation link is not valid", details: null } }, { status: 404 });
  }
  return json(
    {
      invitation: lookup.data.invitation,
      me: session.ok ? { email: session.data.user.email, csrfToken: session.data.csrfToken } : null,
    },
    { headers: relayCookies(lookup, session) },
  );
}

export async function action(args: ActionFunctionArgs) {
  assertSameOrigin(args.request);
  const token = args.params.token ?? "";
  const form = await args.request.formData();
  const intent = String(form.get("intent"));
  if (intent !== "accept" && intent !== "create-account") throw badIntent(intent);
  if (intent === "accept") {
    const result = await callApi(args, "/invitations/accept", { method: "POST", body: { token }, csrfToken: form.get("csrf") });
    if (!result.ok) return formFailure(args, result, { intent });
    return redirect("/home", { headers: relayCookies(result) });
  }
  const result = await callApi(args, "/invitations/accept", {
    method: "POST",
    body: { token, name: String(form.get("name") ?? ""), password: String(form.get("password") ?? "") },
    session: false,
  });
  if (!result.ok) return formError(result, { intent });
  return redirect("/home", { headers: relayCookies(result) });
}

export default function Invite() {
  const { invitation, me } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  return (
    <main className="centered">
      <div className="card">
        <p className="brand">Groupflow</p>
        <h1>Join {invitation.workspace.name}</h1>
        <p>
          <strong>{invitation.email}</strong> is invited to the workspace <strong>{invitation.workspace.name}</strong> as{" "}
          <strong data-testid="invited-role">{invitation.role}</strong>.
        </p>
        <InvitationAnswer invitation={invitation} me={me} result={result} />
      </div>
    </main>
  );
}
