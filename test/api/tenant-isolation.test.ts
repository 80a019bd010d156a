import { beforeAll, describe, expect, it } from "vitest";
import { ALL_SCOPES } from "../../worker/auth/scopes";
import { app } from "../../worker/app";
import { addMember, api, type Caller, createKey, signUp, unique, type Workspace, workspaceSnapshot } from "../support/api";

/**
 * Workspace B (by session and by an all-scopes API key) against workspace A's objects.
 * Every route the app serves must be listed below in exactly one group; a new route that is not
 * fails the coverage test, so this suite grows with the API.
 */
interface AIds {
  memberId: string;
  invitationId: string;
  apiKeyId: string;
  workspaceId: string;
  marker: string[];
}

/** Routes that name one of A's objects: B must get 404 and A must not change. */
const BY_ID: Record<string, (a: AIds) => { path: string; body?: unknown }> = {
  "PATCH /api/v1/members/:id": (a) => ({ path: `/members/${a.memberId}`, body: { role: "viewer" } }),
  "DELETE /api/v1/members/:id": (a) => ({ path: `/members/${a.memberId}` }),
  "DELETE /api/v1/invitations/:id": (a) => ({ path: `/invitations/${a.invitationId}` }),
  "DELETE /api/v1/api-keys/:id": (a) => ({ path: `/api-keys/${a.apiKeyId}` }),
  "POST /api/v1/auth/switch-workspace": (a) => ({ path: "/auth/switch-workspace", body: { workspaceId: a.workspaceId } }),
};

/** Routes that act on the caller's own workspace: B's call must show nothing of A and change nothing of A. */
const OWN_WORKSPACE: Record<string, { path: string; body?: () => unknown; sessionOnly?: boolean }> = {
  "GET /api/v1/workspace": { path: "/workspace" },
  "PATCH /api/v1/workspace": { path: "/workspace", body: () => ({ name: "B renamed" }) },
  "GET /api/v1/workspaces": { path: "/workspaces", sessionOnly: true },
  "POST /api/v1/workspaces": { path: "/workspaces", body: () => ({ name: "B two", slug: unique("btwo") }), sessionOnly: true },
  "GET /api/v1/auth/session": { path: "/auth/session", sessionOnly: true },
  "GET /api/v1/members": { path: "/members" },
  "GET /api/v1/invitations": { path: "/invitations" },
  "POST /api/v1/invitations": { path: "/invitations", body: () => ({ email: `${unique("b")}@example.com`, role: "viewer" }) },
  "GET /api/v1/api-keys": { path: "/api-keys" },
  "POST /api/v1/api-keys": { path: "/api-keys", body: () => ({ name: "b key", scopes: ["read:team"] }) },
  "GET /api/v1/audit-log": { path: "/audit-log" },
};

/** Routes that belong to no workspace (who you are, or a secret link): tested in their own suites. */
const NOT_WORKSPACE_DATA = new Set([
  "GET /health",
  "POST /api/v1/auth/signup",
  "POST /api/v1/auth/login",
  "POST /api/v1/auth/logout",
  "POST /api/v1/invitations/lookup",
  "POST /api/v1/invitations/accept",
]);

const served = () => {
  const methods = new Set(["GET", "POST", "PUT", "PATCH", "DELETE"]);
  return [...new Set(app.routes.filter((r) => methods.has(r.method)).map((r) => `${r.method} ${r.path}`))];
};

let a: Workspace;
let aIds: AIds;
let bCallers: [string, Caller][];

beforeAll(async () => {
  a = await signUp("tenanta");
  const member = await addMember(a, "editor", "amember");
  const invite = await api("POST", "/invitations", { as: a.owner, body: { email: `${unique("pending")}@example.com`, role: "viewer" } });
  const key = await createKey(a.owner, ["read:team"], "A's key");
  aIds = {
    memberId: member.memberId,
    invitationId: invite.body.invitation.id,
    apiKeyId: key.id,
    workspaceId: a.workspace.id,
    marker: [a.workspace.id, a.email, member.email, invite.body.invitation.id, key.id, a.workspace.slug],
  };
  const b = await signUp("tenantb");
  const bKey = await createKey(b.owner, ALL_SCOPES, "B's all-scopes key");
  bCallers = [
    ["B's session", b.owner],
    ["B's API key", { key: bKey.secret }],
  ];
});

describe("tenant isolation", () => {
  it("covers every route the API serves", () => {
    const covered = new Set([...Object.keys(BY_ID), ...Object.keys(OWN_WORKSPACE), ...NOT_WORKSPACE_DATA]);
    const missing = served().filter((r) => !covered.has(r));
    expect(missing, "add these routes to the tenant isolation suite").toEqual([]);
    const stale = [...covered].filter((r) => !served().includes(r));
    expect(stale, "these routes no longer exist").toEqual([]);
  });

  for (const [route, build] of Object.entries(BY_ID)) {
    it(`${route}: A's object is not found for B and stays unchanged`, async () => {
      const [method] = route.split(" ");
      for (const [who, as] of bCallers) {
        if (route.includes("/auth/") && as.key) continue;
        const { path, body } = build(aIds);
        const before = await workspaceSnapshot(a.workspace.id);
        const res = await api(method!, path, { as, body });
        expect(res.status, `${who} ${route}`).toBe(404);
        expect(res.body.error.code).toBe("not_found");
        expect(await workspaceSnapshot(a.workspace.id), `${who} ${route} changed A`).toBe(before);
      }
    });
  }

  for (const [route, spec] of Object.entries(OWN_WORKSPACE)) {
    it(`${route}: B sees and changes only its own workspace`, async () => {
      const [method] = route.split(" ");
      for (const [who, as] of bCallers) {
        if (spec.sessionOnly && as.key) continue;
        const before = await workspaceSnapshot(a.workspace.id);
        const res = await api(method!, spec.path, { as, body: spec.body?.() });
        expect(res.status, `${who} ${route}: ${JSON.stringify(res.body)}`).toBeLessThan(300);
        const text = JSON.stringify(res.body);
        for (const value of aIds.marker) expect(text, `${who} ${route} leaked ${value}`).not.toContain(value);
        expect(await workspaceSnapshot(a.workspace.id), `${who} ${route} changed A`).toBe(before);
      }
    });
  }

  it("A still sees all of its own objects afterwards", async () => {
    const members = await api("GET", "/members", { as: a.owner });
    expect(members.body.members.map((m: { id: string }) => m.id)).toContain(aIds.memberId);
    const keys = await api("GET", "/api-keys", { as: a.owner });
    expect(keys.body.apiKeys.find((k: { id: string }) => k.id === aIds.apiKeyId).revokedAt).toBeNull();
    const invitations = await api("GET", "/invitations", { as: a.owner });
    expect(invitations.body.invitations.find((i: { id: string }) => i.id === aIds.invitationId).status).toBe("pending");
  });
});
