import { describe, expect, it } from "vitest";
import { api, createKey } from "../support/api";
import { countsWithImports, pushWorkspace } from "../support/push-workspace";

describe("push Sources", () => {
  it("are offered as an App type whose one Source type is push-only", async () => {
    const { as } = await pushWorkspace("pushplugin");
    const plugins = (await api("GET", "/plugins", { as })).body.plugins;
    const push = plugins.find((p: { name: string }) => p.name === "push");
    expect(push.icon).toMatch(/^<svg/);
    expect(push.apps[0]).toMatchObject({ type: "push", displayName: "API & webhooks", options: [] });
    expect(push.apps[0].sources).toEqual([expect.objectContaining({ type: "push", pushOnly: true, bulkImport: false, options: [] })]);
  });

  it("need no identity column, preview no rows, and take Properties whose column is their key", async () => {
    const { as, pushAppId, pushSource } = await pushWorkspace("pushsrc");
    expect(pushSource).toMatchObject({ type: "push", identity: null, webhook: { url: `/hooks/sources/${pushSource.id}`, hasSecret: false } });
    expect((await api("POST", `/apps/${pushAppId}/test`, { as })).body.test.ok).toBe(true);
    const preview = await api("GET", `/sources/${pushSource.id}/preview`, { as });
    expect(preview.body.preview).toEqual({ columns: [], rows: [] });

    const before = await countsWithImports();
    const withIdentity = await api("POST", "/sources", { as, body: { appId: pushAppId, name: "x", type: "push", identity: { column: "id", propertyKey: "push_id" } } });
    expect(withIdentity.status).toBe(400);
    expect(withIdentity.body.error.details.field).toBe("identity");
    const otherColumn = await api("POST", "/properties", { as, body: { key: "seats", type: "integer", sourceId: pushSource.id, column: "licenses" } });
    expect(otherColumn.status).toBe(400);
    expect(otherColumn.body.error.details.field).toBe("column");
    const filtered = await api("PATCH", `/sources/${pushSource.id}`, { as, body: { filters: [{ column: "plan", op: "eq", value: "pro" }] } });
    expect(filtered.status).toBe(400);
    expect(await countsWithImports()).toEqual(before);
  });
});

describe("POST /imports", () => {
  it("stores each import as it arrived, and warns about keys that will not be stored", async () => {
    const { as } = await pushWorkspace("imports");
    const key = await createKey(as, ["write:imports"]);
    const sent = [
      { email: "user1@example.com", plan: "pro", nickname: "Al", first_name: "Alice" },
      { external_id: "crm-7", tags: ["vip", "beta"], plan: null },
    ];
    const res = await api("POST", "/imports", { as: { key: key.secret }, body: sent });
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ received: 2, stored: 2, duplicates: 0 });
    expect(res.body.importIds).toEqual([expect.stringMatching(/^imp_/), expect.stringMatching(/^imp_/)]);
    expect(res.body.warnings).toEqual([
      { index: 0, message: '"nickname" is not a Property; it was ignored' },
      { index: 0, message: '"first_name" is read from Source "Users"; the value sent was ignored' },
    ]);

    const listed = await api("GET", "/imports", { as: { key: key.secret } });
    expect(listed.status).toBe(200);
    const byId = new Map(listed.body.imports.map((i: { id: string }) => [i.id, i]));
    res.body.importIds.forEach((id: string, index: number) => {
      expect(byId.get(id)).toEqual({
        id,
        sourceId: null,
        runId: null,
        via: "api",
        data: sent[index],
        // The live lane takes each Import as it arrives: by now it may be on its way through hydration.
        state: expect.stringMatching(/^(pending|associated|processed)$/),
        recordId: expect.toBeOneOf([null, expect.stringMatching(/^rec_/)]),
        error: null,
        createdAt: expect.any(String),
        processedAt: expect.toBeOneOf([null, expect.any(String)]),
      });
    });
    const one = await api("GET", `/imports/${res.body.importIds[1]}`, { as });
    expect(one.body.import).toMatchObject({ id: res.body.importIds[1], data: sent[1], error: null });
  });

  it("takes a single object as one import", async () => {
    const { as } = await pushWorkspace("importone");
    const res = await api("POST", "/imports", { as, body: { external_id: "crm-1", plan: "free" } });
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ received: 1, stored: 1, duplicates: 0, importIds: [expect.stringMatching(/^imp_/)], warnings: [] });
  });

  it("refuses a bad request whole, naming the import at fault, and stores nothing", async () => {
    const { as } = await pushWorkspace("badimports");
    const ok = { external_id: "crm-1" };
    const cases: [string, { body?: unknown; rawBody?: string; headers?: Record<string, string> }, number, RegExp][] = [
      ["not JSON", { rawBody: "{nope" }, 400, /not valid JSON/],
      ["not declared as JSON", { rawBody: JSON.stringify(ok), headers: { "content-type": "text/plain" } }, 415, /JSON/],
      ["no body", { rawBody: "" }, 400, /index 0/],
      ["an empty array", { body: [] }, 400, /at least one import/],
      ["1001 imports", { body: Array.from({ length: 1001 }, (_, i) => ({ external_id: `crm-${i}` })) }, 400, /at most 1000/],
      ["a non-object import", { body: [ok, "crm-2"] }, 400, /import at index 1: \(root\): must be an object/],
      ["an array as an import", { body: [ok, [ok]] }, 400, /import at index 1/],
      ["a nested value", { body: [ok, { external_id: "crm-3", address: { city: "Oslo" } }] }, 400, /import at index 1: address: must be a string/],
      ["no identifying key", { body: [ok, { plan: "pro" }, { first_name: "Bo" }] }, 422, /indexes 1, 2 send no value for a unique Property \(email, external_id\)/],
      ["an empty identifying value", { body: [{ external_id: null }] }, 422, /index 0/],
      ["an empty Idempotency-Key", { body: ok, headers: { "idempotency-key": "" } }, 400, /Idempotency-Key/],
      ["a too long Idempotency-Key", { body: ok, headers: { "idempotency-key": "k".repeat(201) } }, 400, /Idempotency-Key/],
      ["an unprintable Idempotency-Key", { body: ok, headers: { "idempotency-key": "a\tb" } }, 400, /Idempotency-Key/],
    ];
    const before = await countsWithImports();
    for (const [what, request, status, message] of cases) {
      const res = await api("POST", "/imports", { as, ...request });
      expect(res.status, what).toBe(status);
      expect(res.body.error.message, what).toMatch(message);
    }
    expect(await countsWithImports()).toEqual(before);
  });

  it("needs write:imports to send and read:imports to list", async () => {
    const { as } = await pushWorkspace("importscopes");
    const reader = await createKey(as, ["read:imports"]);
    const other = await createKey(as, ["write:sources"]);
    const before = await countsWithImports();
    const refused = await api("POST", "/imports", { as: { key: reader.secret }, body: { external_id: "crm-1" } });
    expect(refused.status).toBe(403);
    expect(refused.body.error.details).toEqual({ required: "write:imports" });
    expect(await countsWithImports()).toEqual(before);
    expect((await api("GET", "/imports", { as: { key: reader.secret } })).status).toBe(200);
    expect((await api("GET", "/imports", { as: { key: other.secret } })).status).toBe(403);
  });

  it("stores nothing new when a request is retried with its Idempotency-Key", async () => {
    const { as } = await pushWorkspace("idempotent");
    const body = [{ external_id: "crm-1" }, { external_id: "crm-2", plan: "pro" }];
    const headers = { "idempotency-key": "order-42 retry" };
    const first = await api("POST", "/imports", { as, body, headers });
    expect(first.body).toMatchObject({ received: 2, stored: 2, duplicates: 0 });
    const counted = await countsWithImports();
    const retry = await api("POST", "/imports", { as, body, headers });
    expect(retry.status).toBe(202);
    expect(retry.body).toMatchObject({ received: 2, stored: 0, duplicates: 2, importIds: first.body.importIds });
    expect(await countsWithImports()).toEqual(counted);

    const otherKey = await api("POST", "/imports", { as, body, headers: { "idempotency-key": "order-43" } });
    expect(otherKey.body.stored).toBe(2);
    expect(otherKey.body.importIds.some((id: string) => first.body.importIds.includes(id))).toBe(false);
  });
});

describe("GET /imports", () => {
  it("lists newest first, a page at a time, filtered", async () => {
    const { as, pushSource } = await pushWorkspace("listimports");
    const sent = await api("POST", "/imports", { as, body: [{ external_id: "a" }, { external_id: "b" }, { external_id: "c" }] });
    const ids: string[] = sent.body.importIds;

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: { imports: { id: string }[]; nextCursor: string | null } } = await api("GET", `/imports?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`, { as });
      expect(page.body.imports.length).toBeLessThanOrEqual(2);
      seen.push(...page.body.imports.map((i) => i.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect([...seen].sort()).toEqual([...ids].sort());

    // The live lane hydrates them as they arrive: once all three are processed, none is pending.
    await expect.poll(async () => (await api("GET", "/imports?state=processed", { as })).body.imports.length, { timeout: 15_000 }).toBe(3);
    expect((await api("GET", "/imports?state=pending", { as })).body.imports).toEqual([]);
    expect((await api("GET", "/imports?state=failed", { as })).body.imports).toEqual([]);
    expect((await api("GET", `/imports?sourceId=${pushSource.id}`, { as })).body.imports).toEqual([]);
    expect((await api("GET", "/imports?runId=run_none", { as })).body.imports).toEqual([]);
    expect((await api("GET", "/imports?recordId=rec_none", { as })).body.imports).toEqual([]);
    for (const bad of ["state=done", "limit=201", "cursor=nope", "colour=red"]) expect((await api("GET", `/imports?${bad}`, { as })).status, bad).toBe(400);
    expect((await api("GET", "/imports/imp_000000000000000000000000", { as })).status).toBe(404);
  });
});
