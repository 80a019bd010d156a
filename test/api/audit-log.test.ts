import { describe, expect, it } from "vitest";
import { addMember, api, createKey, signUp } from "../support/api";

describe("audit log", () => {
  it("records every write with who, what and before/after for settings", async () => {
    const ws = await signUp("audit");
    await api("PATCH", "/workspace", { as: ws.owner, body: { name: "Renamed", slug: `${ws.workspace.slug}-x` } });
    const member = await addMember(ws, "viewer", "aud");
    await api("PATCH", `/members/${member.memberId}`, { as: ws.owner, body: { role: "editor" } });
    const key = await createKey(ws.owner, ["read:team"]);
    await api("DELETE", `/api-keys/${key.id}`, { as: ws.owner });

    const log = await api("GET", "/audit-log?limit=50", { as: ws.owner });
    expect(log.status).toBe(200);
    const actions = log.body.entries.map((e: { action: string }) => e.action);
    expect(actions).toEqual([
      "api_key.revoke",
      "api_key.create",
      "member.role_change",
      "member.join",
      "invitation.create",
      "workspace.update",
      "workspace.create",
    ]);
    const rename = log.body.entries.find((e: { action: string }) => e.action === "workspace.update");
    expect(rename).toMatchObject({
      actorType: "user",
      actorId: ws.user.id,
      before: { name: ws.workspace.name, slug: ws.workspace.slug },
      after: { name: "Renamed", slug: `${ws.workspace.slug}-x` },
    });
    expect(rename.requestId).toBeTruthy();
    const roleChange = log.body.entries.find((e: { action: string }) => e.action === "member.role_change");
    expect(roleChange).toMatchObject({ targetId: member.memberId, before: { role: "viewer" }, after: { role: "editor" } });
  });

  it("names the API key that made a change", async () => {
    const ws = await signUp("auditkey");
    const key = await createKey(ws.owner, ["write:settings"]);
    await api("PATCH", "/workspace", { as: { key: key.secret }, body: { name: "By key" } });
    const log = await api("GET", "/audit-log?action=workspace.update", { as: ws.owner });
    expect(log.body.entries).toHaveLength(1);
    expect(log.body.entries[0]).toMatchObject({ actorType: "api_key", actorId: key.id });
  });

  it("leaves no entry for a refused change", async () => {
    const ws = await signUp("auditrefused");
    const ownerId = (await api("GET", "/members", { as: ws.owner })).body.members[0].id;
    expect((await api("PATCH", `/members/${ownerId}`, { as: ws.owner, body: { role: "viewer" } })).status).toBe(409);
    expect((await api("DELETE", `/members/${ownerId}`, { as: ws.owner })).status).toBe(409);
    const log = await api("GET", "/audit-log", { as: ws.owner });
    expect(log.body.entries.map((e: { action: string }) => e.action)).toEqual(["workspace.create"]);
  });

  it("pages with a cursor, newest first", async () => {
    const ws = await signUp("auditpage");
    for (let i = 0; i < 5; i++) await api("PATCH", "/workspace", { as: ws.owner, body: { name: `Name ${i}` } });
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: { entries: { id: string }[]; nextCursor: string | null } } = await api(
        "GET",
        `/audit-log?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`,
        { as: ws.owner },
      );
      expect(page.body.entries.length).toBeLessThanOrEqual(2);
      seen.push(...page.body.entries.map((e) => e.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(6);
    expect(new Set(seen).size).toBe(6);
  });
});
