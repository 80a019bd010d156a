import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { addMember, api, sessionCookieFrom, signUp, unique } from "../support/api";

describe("invitations", () => {
  it("invites a new person who creates an account through the link and joins with the given role", async () => {
    const ws = await signUp("inviter");
    const email = `${unique("newbie")}@example.com`;
    const invite = await api("POST", "/invitations", { as: ws.owner, body: { email, role: "editor" } });
    expect(invite.status).toBe(201);
    expect(invite.body.acceptPath).toBe(`/invite/${invite.body.token}`);
    expect(invite.body.invitation.status).toBe("pending");

    const lookup = await api("POST", "/invitations/lookup", { body: { token: invite.body.token } });
    expect(lookup.body.invitation).toMatchObject({ email, role: "editor", status: "pending", accountExists: false, workspace: { id: ws.workspace.id } });

    const accepted = await api("POST", "/invitations/accept", { body: { token: invite.body.token, name: "New Person", password: "a fine password" } });
    expect(accepted.status).toBe(201);
    const session = await api("GET", "/auth/session", { as: { cookie: sessionCookieFrom(accepted) } });
    expect(session.body).toMatchObject({ role: "editor", workspace: { id: ws.workspace.id }, user: { email } });

    const members = await api("GET", "/members", { as: ws.owner });
    expect(members.body.members.map((m: { email: string; role: string }) => [m.email, m.role])).toEqual([
      [ws.email, "owner"],
      [email, "editor"],
    ]);
    const invitations = await api("GET", "/invitations", { as: ws.owner });
    expect(invitations.body.invitations[0].status).toBe("accepted");
  });

  it("works once: a used link is refused", async () => {
    const ws = await signUp("once");
    const invite = await api("POST", "/invitations", { as: ws.owner, body: { email: `${unique("o")}@example.com`, role: "viewer" } });
    const body = { token: invite.body.token, name: "First", password: "a fine password" };
    expect((await api("POST", "/invitations/accept", { body })).status).toBe(201);
    const again = await api("POST", "/invitations/accept", { body });
    expect(again.status).toBe(409);
    expect(again.body.error.message).toMatch(/accepted/);
  });

  it("lets an existing person (in another workspace) accept while logged in, and only as the invited email", async () => {
    const host = await signUp("host");
    const guest = await signUp("guest");
    const stranger = await signUp("stranger");
    const invite = await api("POST", "/invitations", { as: host.owner, body: { email: guest.email, role: "admin" } });
    expect((await api("POST", "/invitations/lookup", { body: { token: invite.body.token } })).body.invitation.accountExists).toBe(true);

    const wrongPerson = await api("POST", "/invitations/accept", { as: stranger.owner, body: { token: invite.body.token } });
    expect(wrongPerson.status).toBe(403);
    const noSession = await api("POST", "/invitations/accept", { body: { token: invite.body.token, name: "Guest", password: "some password" } });
    expect(noSession.status).toBe(409);

    const ok = await api("POST", "/invitations/accept", { as: guest.owner, body: { token: invite.body.token } });
    expect(ok.status).toBe(201);
    const session = await api("GET", "/auth/session", { as: guest.owner });
    expect(session.body.workspace.id).toBe(host.workspace.id);
    expect(session.body.role).toBe("admin");
    expect(session.body.workspaces).toHaveLength(2);
  });

  it("refuses revoked and expired links, and a newer invitation replaces an older one", async () => {
    const ws = await signUp("revoke");
    const email = `${unique("r")}@example.com`;
    const first = await api("POST", "/invitations", { as: ws.owner, body: { email, role: "viewer" } });
    const second = await api("POST", "/invitations", { as: ws.owner, body: { email, role: "editor" } });
    const accept = (token: string) => api("POST", "/invitations/accept", { body: { token, name: "R", password: "a fine password" } });
    expect((await accept(first.body.token)).status).toBe(409);

    const revoked = await api("DELETE", `/invitations/${second.body.invitation.id}`, { as: ws.owner });
    expect(revoked.body.invitation.status).toBe("revoked");
    expect((await accept(second.body.token)).status).toBe(409);

    const third = await api("POST", "/invitations", { as: ws.owner, body: { email, role: "viewer" } });
    await env.DB.prepare("update invitations set expires_at = ? where id = ?").bind(Date.now() - 1, third.body.invitation.id).run();
    const expired = await accept(third.body.token);
    expect(expired.status).toBe(409);
    expect(expired.body.error.message).toMatch(/expired/);
    expect((await api("POST", "/invitations/accept", { body: { token: "x".repeat(40), name: "R", password: "a fine password" } })).status).toBe(404);
  });

  it("does not invite someone who is already a member", async () => {
    const ws = await signUp("already");
    const res = await api("POST", "/invitations", { as: ws.owner, body: { email: ws.email, role: "viewer" } });
    expect(res.status).toBe(409);
  });
});

describe("roles", () => {
  it("lets owners and admins manage the team, and no one else", async () => {
    const ws = await signUp("roles");
    const admin = await addMember(ws, "admin", "admin");
    const editor = await addMember(ws, "editor", "editor");
    const viewer = await addMember(ws, "viewer", "viewer");

    for (const who of [editor.as, viewer.as]) {
      expect((await api("GET", "/members", { as: who })).status).toBe(200);
      const invite = await api("POST", "/invitations", { as: who, body: { email: `${unique("x")}@example.com`, role: "viewer" } });
      expect(invite.status).toBe(403);
      expect((await api("PATCH", `/members/${viewer.memberId}`, { as: who, body: { role: "admin" } })).status).toBe(403);
      expect((await api("POST", "/api-keys", { as: who, body: { name: "k", scopes: ["read:apps"] } })).status).toBe(403);
      expect((await api("GET", "/audit-log", { as: who })).status).toBe(403);
      expect((await api("PATCH", "/workspace", { as: who, body: { name: "Renamed" } })).status).toBe(403);
    }

    const promoted = await api("PATCH", `/members/${viewer.memberId}`, { as: admin.as, body: { role: "editor" } });
    expect(promoted.status).toBe(200);
    expect((await api("GET", "/auth/session", { as: viewer.as })).body.role).toBe("editor");

    const removed = await api("DELETE", `/members/${editor.memberId}`, { as: admin.as });
    expect(removed.status).toBe(204);
    // A removed member's session no longer reaches the workspace.
    expect((await api("GET", "/members", { as: editor.as })).status).toBe(403);
  });

  it("moves a person removed from their current workspace to another one they belong to", async () => {
    const host = await signUp("hostws");
    const guest = await signUp("guestws");
    const invite = await api("POST", "/invitations", { as: host.owner, body: { email: guest.email, role: "editor" } });
    await api("POST", "/invitations/accept", { as: guest.owner, body: { token: invite.body.token } });
    expect((await api("GET", "/auth/session", { as: guest.owner })).body.workspace.id).toBe(host.workspace.id);
    const guestMember = (await api("GET", "/members", { as: host.owner })).body.members.find((m: { email: string }) => m.email === guest.email);
    expect((await api("DELETE", `/members/${guestMember.id}`, { as: host.owner })).status).toBe(204);
    const session = await api("GET", "/auth/session", { as: guest.owner });
    expect(session.body.workspace.id).toBe(guest.workspace.id);
    expect(session.body.role).toBe("owner");
    expect((await api("GET", "/workspace", { as: guest.owner })).body.workspace.id).toBe(guest.workspace.id);
  });

  it("keeps the owner role in owners' hands", async () => {
    const ws = await signUp("ownerrole");
    const admin = await addMember(ws, "admin", "admin");
    const members = (await api("GET", "/members", { as: ws.owner })).body.members;
    const ownerId = members.find((m: { role: string }) => m.role === "owner").id;

    expect((await api("PATCH", `/members/${ownerId}`, { as: admin.as, body: { role: "viewer" } })).status).toBe(403);
    expect((await api("DELETE", `/members/${ownerId}`, { as: admin.as })).status).toBe(403);
    expect((await api("PATCH", `/members/${admin.memberId}`, { as: admin.as, body: { role: "owner" } })).status).toBe(403);
    expect((await api("POST", "/invitations", { as: admin.as, body: { email: `${unique("o")}@example.com`, role: "owner" } })).status).toBe(403);
  });

  it("never leaves a workspace without an owner", async () => {
    const ws = await signUp("lastowner");
    const ownerId = (await api("GET", "/members", { as: ws.owner })).body.members[0].id;
    const demote = await api("PATCH", `/members/${ownerId}`, { as: ws.owner, body: { role: "admin" } });
    expect(demote.status).toBe(409);
    expect(demote.body.error.message).toMatch(/at least one owner/);
    expect((await api("DELETE", `/members/${ownerId}`, { as: ws.owner })).status).toBe(409);

    const second = await addMember(ws, "owner", "coowner");
    expect((await api("PATCH", `/members/${ownerId}`, { as: second.as, body: { role: "admin" } })).status).toBe(200);
    expect((await api("DELETE", `/members/${second.memberId}`, { as: second.as })).status).toBe(409);
  });

  it("holds the last-owner rule when two owners demote each other at the same moment", async () => {
    const ws = await signUp("ownerrace");
    const other = await addMember(ws, "owner", "other");
    const mine = (await api("GET", "/members", { as: ws.owner })).body.members[0].id;
    const results = await Promise.all([
      api("PATCH", `/members/${other.memberId}`, { as: ws.owner, body: { role: "admin" } }),
      api("PATCH", `/members/${mine}`, { as: other.as, body: { role: "admin" } }),
    ]);
    // Whichever lands second is refused: either its author is no longer an owner (403) or the guard holds (409).
    const statuses = results.map((r) => r.status).sort();
    expect(statuses[0]).toBe(200);
    expect([403, 409]).toContain(statuses[1]);
    const owners = (await api("GET", "/members", { as: ws.owner })).body.members.filter((m: { role: string }) => m.role === "owner");
    expect(owners).toHaveLength(1);
  });
});

describe("workspace settings", () => {
  it("lets an admin rename the workspace and refuses a taken address", async () => {
    const ws = await signUp("settings");
    const other = await signUp("settings2");
    const renamed = await api("PATCH", "/workspace", { as: ws.owner, body: { name: "Renamed Co" } });
    expect(renamed.body.workspace.name).toBe("Renamed Co");
    expect((await api("PATCH", "/workspace", { as: ws.owner, body: { slug: other.workspace.slug } })).status).toBe(409);
  });
});
