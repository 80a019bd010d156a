import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { addMember, api, createKey, signUp, tableCounts } from "../support/api";

describe("API keys", () => {
  it("shows the secret once, stores only its hash, and authenticates with it", async () => {
    const ws = await signUp("keys");
    const created = await api("POST", "/api-keys", { as: ws.owner, body: { name: "warehouse sync", scopes: ["read:team", "read:settings"] } });
    expect(created.status).toBe(201);
    const { secret, apiKey } = created.body;
    expect(secret).toMatch(new RegExp(`^gf_live_${apiKey.prefix}_[0-9a-z]{32}$`));
    expect(apiKey).not.toHaveProperty("secretHash");

    const list = await api("GET", "/api-keys", { as: ws.owner });
    expect(JSON.stringify(list.body)).not.toContain(secret.split("_").pop());
    expect(list.body.apiKeys[0]).toMatchObject({ name: "warehouse sync", prefix: apiKey.prefix, lastUsedAt: null });
    const row = await env.DB.prepare("select secret_hash from api_keys where id = ?").bind(apiKey.id).first<{ secret_hash: string }>();
    expect(row!.secret_hash).toMatch(/^[0-9a-f]{64}$/);

    const me = await api("GET", "/workspace", { as: { key: secret } });
    expect(me.status).toBe(200);
    expect(me.body.workspace).toMatchObject({ id: ws.workspace.id, name: ws.workspace.name });
    const members = await api("GET", "/members", { as: { key: secret } });
    expect(members.body.members).toHaveLength(1);
    const used = await api("GET", "/api-keys", { as: ws.owner });
    expect(used.body.apiKeys[0].lastUsedAt).not.toBeNull();
  });

  it("does only what its scopes allow", async () => {
    const ws = await signUp("scopes");
    const reader = await createKey(ws.owner, ["read:team"]);
    expect((await api("GET", "/members", { as: { key: reader.secret } })).status).toBe(200);
    const before = await tableCounts();
    const write = await api("POST", "/invitations", { as: { key: reader.secret }, body: { email: "x@example.com", role: "viewer" } });
    expect(write.status).toBe(403);
    expect(write.body.error.message).toContain("write:team");
    expect((await api("GET", "/api-keys", { as: { key: reader.secret } })).status).toBe(403);
    expect((await api("GET", "/audit-log", { as: { key: reader.secret } })).status).toBe(403);
    expect(await tableCounts()).toEqual(before);

    const writer = await createKey(ws.owner, ["write:team"]);
    expect((await api("GET", "/members", { as: { key: writer.secret } })).status).toBe(200);
    expect((await api("POST", "/invitations", { as: { key: writer.secret }, body: { email: "y@example.com", role: "viewer" } })).status).toBe(201);
  });

  it("needs no CSRF token, since a bearer header cannot ride along on a cross-site request", async () => {
    const ws = await signUp("nocsrf");
    const key = await createKey(ws.owner, ["write:settings"]);
    const res = await api("PATCH", "/workspace", { as: { key: key.secret }, body: { name: "Renamed by key" } });
    expect(res.status).toBe(200);
  });

  it("cannot mint a key with more power than its creator", async () => {
    const ws = await signUp("escalate");
    const limited = await createKey(ws.owner, ["write:settings"]);
    const res = await api("POST", "/api-keys", { as: { key: limited.secret }, body: { name: "bigger", scopes: ["write:team"] } });
    expect(res.status).toBe(403);
    expect(res.body.error.details.scopes).toEqual(["write:team"]);
    const ok = await api("POST", "/api-keys", { as: { key: limited.secret }, body: { name: "same", scopes: ["read:settings"] } });
    expect(ok.status).toBe(201);
  });

  it("stops working when revoked or expired", async () => {
    const ws = await signUp("revokekey");
    const key = await createKey(ws.owner, ["read:team"]);
    const revoked = await api("DELETE", `/api-keys/${key.id}`, { as: ws.owner });
    expect(revoked.status).toBe(200);
    expect(revoked.body.apiKey.revokedAt).not.toBeNull();
    expect((await api("GET", "/members", { as: { key: key.secret } })).status).toBe(401);

    const expiring = await api("POST", "/api-keys", {
      as: ws.owner,
      body: { name: "temp", scopes: ["read:team"], expiresAt: new Date(Date.now() + 60_000).toISOString() },
    });
    expect((await api("GET", "/members", { as: { key: expiring.body.secret } })).status).toBe(200);
    await env.DB.prepare("update api_keys set expires_at = ? where id = ?").bind(Date.now() - 1, expiring.body.apiKey.id).run();
    expect((await api("GET", "/members", { as: { key: expiring.body.secret } })).status).toBe(401);
  });

  it("refuses bad key definitions", async () => {
    const ws = await signUp("badkey");
    const before = await tableCounts();
    for (const body of [
      { name: "x", scopes: [] },
      { name: "x", scopes: ["read:everything"] },
      { name: "", scopes: ["read:team"] },
      { name: "x", scopes: ["read:team"], expiresAt: "2001-01-01T00:00:00Z" },
      { name: "x", scopes: ["read:team"], expiresAt: "tomorrow" },
    ]) {
      const res = await api("POST", "/api-keys", { as: ws.owner, body });
      expect(res.status, JSON.stringify(body)).toBe(400);
    }
    expect(await tableCounts()).toEqual(before);
  });

  it("is managed by admins only", async () => {
    const ws = await signUp("keyadmins");
    const admin = await addMember(ws, "admin", "admin");
    const editor = await addMember(ws, "editor", "editor");
    expect((await api("POST", "/api-keys", { as: admin.as, body: { name: "a", scopes: ["read:apps"] } })).status).toBe(201);
    expect((await api("GET", "/api-keys", { as: editor.as })).status).toBe(403);
  });
});
