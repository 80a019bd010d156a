import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/cloudflare";
import { useActionData, useLoaderData } from "@remix-run/react";
import { InvitationList } from "../components/team/InvitationList";
import { InviteForm } from "../components/team/InviteForm";
import { MemberTable } from "../components/team/MemberTable";
import { callApi, formFailure, loadFromApi, relayCookies } from "../lib/api.server";
import { canManage, type Invitation, type Member } from "../lib/types";
import { useSession } from "../lib/use-session";

export const meta: MetaFunction = () => [{ title: "Team · Groupflow" }];

export async function loader(args: LoaderFunctionArgs) {
  const [{ members }, { invitations }] = await Promise.all([
    loadFromApi<{ members: Member[] }>(args, "/members"),
    loadFromApi<{ invitations: Invitation[] }>(args, "/invitations"),
  ]);
  return json({ members, invitations: invitations.filter((i) => i.status === "pending") });
}

export async function action(args: ActionFunctionArgs) {
  const form = await args.request.formData();
  const intent = String(form.get("intent"));
  const id = String(form.get("id") ?? "");
  const csrfToken = form.get("csrf");
  const call = (path: string, method: "POST" | "PATCH" | "DELETE", body?: unknown) =>
    callApi<{ acceptPath: string; invitation: Invitation }>(args, path, { method, body, csrfToken });

  const result =
    intent === "invite"
      ? await call("/invitations", "POST", { email: String(form.get("email") ?? ""), role: String(form.get("role") ?? "") })
      : intent === "change-role"
        ? await call(`/members/${encodeURIComponent(id)}`, "PATCH", { role: String(form.get("role") ?? "") })
        : intent === "remove"
          ? await call(`/members/${encodeURIComponent(id)}`, "DELETE")
          : await call(`/invitations/${encodeURIComponent(id)}`, "DELETE");
  if (!result.ok) return formFailure(args, result, { intent, id });
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
