import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { MAX_JSON_BODY_BYTES } from "../../worker/app";
import { api, createKey } from "../support/api";
import { countsWithImports, pushWorkspace } from "../support/push-workspace";
import { deliver, deliverSigned, sign } from "../support/webhooks";

async function withSecret(label: string) {
  const workspace = await pushWorkspace(label);
  const res = await api("POST", `/sources/${workspace.pushSource.id}/webhook-secret`, { as: workspace.as });
  expect(res.status).toBe(200);
  return { ...workspace, secret: res.body.secret as string };
}

describe("webhook secrets", () => {
  it("are shown once, never in Source answers or the audit log, and stored sealed", async () => {
    const { as, pushSource, secret } = await withSecret("hooksecret");
    expect(secret).toMatch(/^whsec_[0-9a-f]{64}$/);

    const read = await api("GET", `/sources/${pushSource.id}`, { as });
    expect(read.body.source.webhook).toEqual({ url: `/hooks/sources/${pushSource.id}`, hasSecret: true });
    const answers = JSON.stringify([read.body, (await api("GET", "/sources", { as })).body, (await api("GET", "/audit-log", { as })).body]);
    expect(answers).not.toContain(secret.slice(6));
    const entry = (await api("GET", "/audit-log?action=source.webhook_secret", { as })).body.entries[0];
    expect(entry).toMatchObject({ targetId: pushSource.id, before: { webhookSecret: null }, after: { webhookSecret: "********" } });
    const row = await env.DB.prepare("select sealed_webhook_secret as sealed from sources where id = ?").bind(pushSource.id).first<{ sealed: string }>();
    expect(row!.sealed).toMatch(/^v1:/);
    expect(row!.sealed).not.toContain(secret.slice(6));
  });

  it("need write:sources to create or rotate", async () => {
    const { as, pushSource } = await pushWorkspace("hookscope");
    const reader = await createKey(as, ["read:sources", "write:imports"]);
    const before = await countsWithImports();
    const refused = await api("POST", `/sources/${pushSource.id}/webhook-secret`, { as: { key: reader.secret } });
    expect(refused.status).toBe(403);
    expect(await countsWithImports()).toEqual(before);
    expect((await api("GET", `/sources/${pushSource.id}`, { as })).body.source.webhook.hasSecret).toBe(false);
  });
});

describe("POST /hooks/sources/:sourceId", () => {
  it("stores a correctly signed delivery as webhook Imports of the Source", async () => {
    const { as, pushSource, secret } = await withSecret("hookok");
    const sent = [{ external_id: "crm-1", plan: "pro", nickname: "Al" }, { external_id: "crm-2" }];
    const res = await deliverSigned(pushSource.id, secret, JSON.stringify(sent));
    expect(res.status).toBe(202);
    expect(res.body).toEqual({
      received: 2,
      stored: 2,
      duplicates: 0,
      importIds: [expect.stringMatching(/^imp_/), expect.stringMatching(/^imp_/)],
      warnings: [{ index: 0, message: '"nickname" is not a Property; it was ignored' }],
    });
    const listed = (await api("GET", `/imports?sourceId=${pushSource.id}`, { as })).body.imports;
    expect(listed.map((i: { id: string }) => i.id).sort()).toEqual([...res.body.importIds].sort());
    for (const stored of listed) expect(stored).toMatchObject({ via: "webhook", sourceId: pushSource.id, runId: null, error: null });
    expect(listed.map((i: { data: unknown }) => i.data)).toEqual(expect.arrayContaining(sent));
  });

  it("refuses every delivery it cannot verify with the same 401, storing nothing", async () => {
    const { as, pushSource, usersSource, secret } = await withSecret("hookbad");
    const body = JSON.stringify({ external_id: "crm-1" });
    const signature = await sign(secret, body);
    const before = await countsWithImports();
    const refusals = [
      ["tampered body", await deliver(pushSource.id, JSON.stringify({ external_id: "crm-2" }), { "x-groupflow-signature": signature })],
      ["wrong secret", await deliverSigned(pushSource.id, `whsec_${"0".repeat(64)}`, body)],
      ["missing header", await deliver(pushSource.id, body)],
      ["not hex", await deliver(pushSource.id, body, { "x-groupflow-signature": "sha256=xyz" })],
      ["bare hex", await deliver(pushSource.id, body, { "x-groupflow-signature": signature.slice(7) })],
      ["unknown Source", await deliverSigned("src_000000000000000000000000", secret, body)],
      ["not a Source id", await deliverSigned("nope", secret, body)],
      ["Source without a secret", await deliverSigned(usersSource.id, secret, body)],
    ] as const;
    for (const [what, res] of refusals) {
      expect(res.status, what).toBe(401);
      expect(res.body, what).toEqual(refusals[0][1].body);
    }
    expect(refusals[0][1].body.error.code).toBe("unauthenticated");
    expect(await countsWithImports()).toEqual(before);
    expect((await api("GET", "/imports", { as })).body.imports).toEqual([]);
  });

  it("stops taking the old secret once it is rotated", async () => {
    const { as, pushSource, secret } = await withSecret("hookrotate");
    const rotated = await api("POST", `/sources/${pushSource.id}/webhook-secret`, { as });
    expect(rotated.body.secret).not.toBe(secret);
    const entry = (await api("GET", "/audit-log?action=source.webhook_secret", { as })).body.entries[0];
    expect(entry).toMatchObject({ before: { webhookSecret: "********" }, after: { webhookSecret: "********" } });
    const body = JSON.stringify({ external_id: "crm-1" });
    const before = await countsWithImports();
    expect((await deliverSigned(pushSource.id, secret, body)).status).toBe(401);
    expect(await countsWithImports()).toEqual(before);
    expect((await deliverSigned(pushSource.id, rotated.body.secret, body)).status).toBe(202);
  });

  it("applies the import body rules after the signature, storing nothing for a bad body", async () => {
    const { pushSource, secret } = await withSecret("hookbody");
    const before = await countsWithImports();
    const cases: [string, string, Record<string, string>, number][] = [
      ["not JSON", "{nope", {}, 400],
      ["empty array", "[]", {}, 400],
      ["non-object", '["crm-1"]', {}, 400],
      ["no identifying key", '{"plan":"pro"}', {}, 422],
      ["bad Idempotency-Key", '{"external_id":"crm-1"}', { "idempotency-key": "k".repeat(201) }, 400],
      ["not declared as JSON", '{"external_id":"crm-1"}', { "content-type": "text/plain" }, 415],
    ];
    for (const [what, body, headers, status] of cases) expect((await deliverSigned(pushSource.id, secret, body, headers)).status, what).toBe(status);
    const tooLarge = JSON.stringify({ external_id: "crm-1", plan: "x".repeat(MAX_JSON_BODY_BYTES) });
    expect((await deliverSigned(pushSource.id, secret, tooLarge)).status).toBe(413);
    expect(await countsWithImports()).toEqual(before);
  });

  it("stores nothing new for a retried delivery with its Idempotency-Key, apart from API imports with the same key", async () => {
    const { as, pushSource, secret } = await withSecret("hookretry");
    const body = JSON.stringify([{ external_id: "crm-1" }, { external_id: "crm-2" }]);
    const headers = { "idempotency-key": "delivery-1" };
    const first = await deliverSigned(pushSource.id, secret, body, headers);
    expect(first.body).toMatchObject({ stored: 2, duplicates: 0 });
    const counted = await countsWithImports();
    const retry = await deliverSigned(pushSource.id, secret, body, headers);
    expect(retry.status).toBe(202);
    expect(retry.body).toMatchObject({ received: 2, stored: 0, duplicates: 2, importIds: first.body.importIds });
    expect(await countsWithImports()).toEqual(counted);

    const byApi = await api("POST", "/imports", { as, rawBody: body, headers });
    expect(byApi.body.stored).toBe(2);
    expect(byApi.body.importIds.some((id: string) => first.body.importIds.includes(id))).toBe(false);
  });
});
