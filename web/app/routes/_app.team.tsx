import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/cloudflare";
import { useActionData, useLoaderData } from "@remix-run/react";
import { InvitationList } from "../components/team/InvitationList";
import { InviteForm } from "../components/team/InviteForm";
import { MemberTable } from "../components/team/MemberTable";
import { badIntent, callApi, formFailure, loadFromApi, relayCookies } from "../lib/api.server";
import { canManage, type Invitation, type Member } from "../lib/types";
import { useSession } from "../lib/use-session";

export const meta: MetaFunction = () => [{ title: "Team · Groupflow" }];

export async function loader(args: LoaderFunctionArgs) {
  const [members, invitations] = await Promise.all([
    loadFromApi<{ members: Member[] }>(args, "/members"),
    loadFromApi<{ invitations: Invitation[] }>(args, "/invitations"),
  ]);
  return json(
    { members: members.data.members, invitations: invitations.data.invitations.filter((i) => i.status === "pending") },
    { headers: relayCookies(members, invitations) },
  );
}

type Method = "POST" | "PATCH" | "DELETE";

/** What each form on the page asks of the API. */
function requestFor(intent: string, form: FormData): [path: string, method: Method, body?: unknown] | null {
  const id = encodeURIComponent(String(form.get("id") ?? ""));
  const field = (name: string) => String(form.get(name) ?? "");
  switch (intent) {
    case "invite":
      return ["/invitations", "POST", { email: field("email"), role: field("role") }];
    case "change-role":
      return [`/members/${id}`, "PATCH", { role: field("role") }];
    case "remove":
      return [`/members/${id}`, "DELETE"];
    case "revoke":
      return [`/invitations/${id}`, "DELETE"];
    default:
      return null;
  }
}

export async function action(args: ActionFunctionArgs) {
  const form = await args.request.formData();
  const intent = String(form.get("intent"));
  const request = requestFor(intent, form);
  if (!request) throw badIntent(intent);
  const [path, method, body] = request;
  const result = await callApi<{ acceptPath: string; invitation: Invitation }>(args, path, { method, body, csrfToken: form.get("csrf") });
  if (!result.ok) return formFailure(args, result, { intent, id: String(form.get("id") ?? "") });
  if (intent !== "invite") return json({ done: intent }, { headers: relayCookies(result) });
  const { invitation, acceptPath } = result.data;
  // The link is only ever shown now: the API keeps a hash of its token, not the token.
  const link = new URL(acceptPath, args.request.url).toString();
  return json({ done: intent, invited: { email: invitation.email, role: invitation.role, link } }, { headers: relayCookies(result) });
}

export default function Team() {
  const { members, invitations } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const session = useSession();
  const manager = canManage(session.role);
  return (
    <>
      <header className="page-header">
        <h1>Team</h1>
        <p className="muted">
          {manager
            ? "Invite people to this workspace and decide what each of them may do."
            : "The people in this workspace. Owners and admins manage the team."}
        </p>
      </header>
      <MemberTable members={members} session={session} result={result} />
      {manager ? <InviteForm actorRole={session.role} result={result} /> : null}
      <InvitationList invitations={invitations} manager={manager} result={result} />
    </>
  );
}
