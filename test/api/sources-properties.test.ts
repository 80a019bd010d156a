import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { api, tableCounts } from "../support/api";
import { sampleWorkspace } from "../support/sample-workspace";

const property = (sourceId: string, body: Record<string, unknown>) => ({ type: "string", sourceId, ...body });

describe("Sources", () => {
  it("creates a Source whose identity column becomes a unique Property, and previews real rows", async () => {
    const { as, usersSource } = await sampleWorkspace("src");
    expect(usersSource).toMatchObject({ name: "Users", role: "primary", identity: { column: "email", propertyKey: "email" } });
    const props = (await api("GET", "/properties", { as })).body.properties;
    expect(props).toEqual([expect.objectContaining({ key: "email", type: "email", unique: true, sourceId: usersSource.id, column: "email", aggregation: "exact" })]);

    const preview = await api("GET", `/sources/${usersSource.id}/preview?limit=3`, { as });
    expect(preview.body.preview.rows).toHaveLength(3);
    expect(preview.body.preview.rows[0]).toMatchObject({ id: 1, email: "user1@example.com" });
    const columns = await api("GET", `/sources/${usersSource.id}/columns`, { as });
    expect(columns.body.columns.map((c: { name: string }) => c.name)).toEqual(["id", "email", "first_name", "last_name", "country", "created_at", "updated_at"]);
    expect(columns.body.columns.find((c: { name: string }) => c.name === "updated_at").incremental).toBe(true);
  });

  it("previews options before saving them", async () => {
    const { as, appId } = await sampleWorkspace("draftsrc");
    const res = await api("POST", "/sources/preview", { as, body: { appId, type: "table", options: { collection: "purchases" } } });
    expect(res.status).toBe(200);
    expect(res.body.preview.rows[0]).toMatchObject({ id: 1, user_id: 1 });
    expect(res.body.preview.columns.map((c: { name: string }) => c.name)).toEqual(["id", "user_id", "amount", "created_at"]);
  });

  it("refuses a Source that cannot identify Records, and creates nothing", async () => {
    const { as, appId, usersSource } = await sampleWorkspace("badsrc");
    const purchases = { appId, name: "Purchases", type: "table", options: { collection: "purchases" } };
    const before = await tableCounts();
    const noIdentity = await api("POST", "/sources", { as, body: purchases });
    expect(noIdentity.status).toBe(400);
    expect(noIdentity.body.error.details.field).toBe("identity");
    const wrongColumn = await api("POST", "/sources", { as, body: { ...purchases, identity: { column: "customer", propertyKey: "user_id" } } });
    expect(wrongColumn.status).toBe(400);
    expect(wrongColumn.body.error.message).toMatch(/"customer" is not in the Source; it has id, user_id, amount, created_at/);
    const badOptions = await api("POST", "/sources", { as, body: { ...purchases, options: { collection: "carts" }, identity: { column: "id", propertyKey: "cart_id" } } });
    expect(badOptions.status).toBe(400);
    const badType = await api("POST", "/sources", { as, body: { ...purchases, type: "query" } });
    expect(badType.status).toBe(400);
    expect(badType.body.error.message).toMatch(/no Source type "query"/);
    expect(await tableCounts()).toEqual(before);

    const name = await api("POST", "/properties", { as, body: property(usersSource.id, { key: "first_name", column: "first_name" }) });
    const notUnique = await api("POST", "/sources", { as, body: { ...purchases, identity: { column: "user_id", propertyKey: name.body.property.key } } });
    expect(notUnique.status).toBe(400);
    expect(notUnique.body.error.message).toMatch(/not unique/);
  });

  it("keys a second Source on an existing unique Property", async () => {
    const { as, appId, usersSource } = await sampleWorkspace("enrich");
    const userId = await api("POST", "/properties", { as, body: property(usersSource.id, { key: "user_id", type: "integer", unique: true, column: "id" }) });
    expect(userId.status).toBe(201);
    const purchases = await api("POST", "/sources", {
      as,
      body: { appId, name: "Purchases", type: "table", role: "enrich", options: { collection: "purchases" }, identity: { column: "user_id", propertyKey: "user_id" } },
    });
    expect(purchases.status).toBe(201);
    expect(purchases.body.source).toMatchObject({ role: "enrich", identity: { column: "user_id", propertyKey: "user_id", propertyId: userId.body.property.id } });
  });

  it("deletes a Source with its own identity Property, but not while it provides others", async () => {
    const { as, usersSource } = await sampleWorkspace("delsrc");
    const name = (await api("POST", "/properties", { as, body: property(usersSource.id, { key: "first_name", column: "first_name" }) })).body.property;
    const refused = await api("DELETE", `/sources/${usersSource.id}`, { as });
    expect(refused.status).toBe(409);
    expect(refused.body.error.details.properties).toEqual(["first_name"]);
    expect((await api("DELETE", `/properties/${name.id}`, { as })).status).toBe(204);
    expect((await api("DELETE", `/sources/${usersSource.id}`, { as })).status).toBe(204);
    expect((await api("GET", "/properties", { as })).body.properties).toEqual([]);
  });

  it("lists choices only for options that have them", async () => {
    const { as, appId } = await sampleWorkspace("choices");
    const res = await api("POST", "/sources/option-choices", { as, body: { appId, type: "table", options: {}, key: "collection" } });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/no choices/);
  });
});

describe("Properties", () => {
  it("defines aggregated Properties over a Source's rows", async () => {
    const { as, appId, usersSource } = await sampleWorkspace("agg");
    await api("POST", "/properties", { as, body: property(usersSource.id, { key: "user_id", type: "integer", unique: true, column: "id" }) });
    const purchases = (
      await api("POST", "/sources", { as, body: { appId, name: "Purchases", type: "table", options: { collection: "purchases" }, identity: { column: "user_id", propertyKey: "user_id" } } })
    ).body.source;
    const ltv = await api("POST", "/properties", { as, body: property(purchases.id, { key: "ltv", type: "float", column: "amount", aggregation: "sum" }) });
    expect(ltv.status).toBe(201);
    expect(ltv.body.property).toMatchObject({ key: "ltv", aggregation: "sum", array: false, unique: false, filters: [], version: 1 });
    const big = await api("POST", "/properties", {
      as,
      body: property(purchases.id, { key: "big_purchases", type: "integer", column: "id", aggregation: "count", filters: [{ column: "amount", op: "gte", value: 100 }] }),
    });
    expect(big.status).toBe(201);
    const latest = await api("POST", "/properties", {
      as,
      body: property(purchases.id, { key: "last_amount", type: "float", column: "amount", aggregation: "most_recent", sortColumn: "created_at" }),
    });
    expect(latest.status).toBe(201);
  });

  it("refuses incoherent definitions, naming the field, and saves nothing", async () => {
    const { as, usersSource } = await sampleWorkspace("badprop");
    const before = await tableCounts();
    const cases: [Record<string, unknown>, string, number][] = [
      [{ key: "Bad Key", column: "first_name" }, "key", 400],
      [{ key: "id", column: "id" }, "key", 400],
      [{ key: "email", column: "email" }, "key", 409],
      [{ key: "nickname", column: "nickname" }, "column", 400],
      [{ key: "total", column: "id", aggregation: "sum" }, "type", 400],
      [{ key: "n", column: "id", aggregation: "count", type: "float" }, "type", 400],
      [{ key: "latest", column: "country", aggregation: "most_recent" }, "sortColumn", 400],
      [{ key: "uniq", column: "country", unique: true, aggregation: "max" }, "unique", 400],
      [{ key: "f", column: "country", filters: [{ column: "country", op: "in", value: "US" }] }, "filters.0.value", 400],
      [{ key: "g", column: "country", filters: [{ column: "planet", op: "eq", value: "earth" }] }, "filters.0.column", 400],
      [{ key: "h", column: "country", type: "colour" }, "type", 400],
    ];
    for (const [body, field, status] of cases) {
      const res = await api("POST", "/properties", { as, body: property(usersSource.id, body) });
      expect(res.status, JSON.stringify(body)).toBe(status);
      const named = res.body.error.details?.field ?? JSON.stringify(res.body.error.details);
      expect(named, JSON.stringify(body)).toContain(field);
    }
    expect(await tableCounts()).toEqual(before);
  });

  it("marks stored values stale when how a Property is read changes, but not on a rename", async () => {
    const { ws, as, usersSource } = await sampleWorkspace("stale");
    const country = (await api("POST", "/properties", { as, body: property(usersSource.id, { key: "country", column: "country" }) })).body.property;
    const now = Date.now();
    await env.DB.prepare("insert into records (id, tenant_id, created_at, updated_at) values (?, ?, ?, ?)").bind("rec_stale", ws.workspace.id, now, now).run();
    await env.DB.prepare(
      "insert into record_properties (id, tenant_id, record_id, property_id, position, value, state, updated_at) values (?, ?, ?, ?, 0, 'US', 'ready', ?)",
    )
      .bind("rpv_stale", ws.workspace.id, "rec_stale", country.id, now)
      .run();
    const state = async () => (await env.DB.prepare("select state from record_properties where id = 'rpv_stale'").first<{ state: string }>())!.state;

    const renamed = await api("PATCH", `/properties/${country.id}`, { as, body: { key: "country_code" } });
    expect(renamed.body.property).toMatchObject({ key: "country_code", version: 1 });
    expect(await state()).toBe("ready");

    const reread = await api("PATCH", `/properties/${country.id}`, { as, body: { column: "last_name" } });
    expect(reread.status).toBe(200);
    expect(reread.body.property).toMatchObject({ column: "last_name", version: 2 });
    expect(await state()).toBe("pending");
  });

  it("marks a Source's Properties stale when its options change", async () => {
    const { ws, as, usersSource } = await sampleWorkspace("srcstale");
    const email = (await api("GET", "/properties", { as })).body.properties[0];
    const now = Date.now();
    await env.DB.prepare("insert into records (id, tenant_id, created_at, updated_at) values ('rec_s2', ?, ?, ?)").bind(ws.workspace.id, now, now).run();
    await env.DB.prepare("insert into record_properties (id, tenant_id, record_id, property_id, position, value, state, updated_at) values ('rpv_s2', ?, 'rec_s2', ?, 0, 'x@example.com', 'ready', ?)")
      .bind(ws.workspace.id, email.id, now)
      .run();
    expect((await api("PATCH", `/sources/${usersSource.id}`, { as, body: { name: "People" } })).status).toBe(200);
    expect((await env.DB.prepare("select state from record_properties where id = 'rpv_s2'").first<{ state: string }>())!.state).toBe("ready");
    expect((await api("PATCH", `/sources/${usersSource.id}`, { as, body: { options: { collection: "users" } } })).status).toBe(200);
    expect((await env.DB.prepare("select state from record_properties where id = 'rpv_s2'").first<{ state: string }>())!.state).toBe("ready");
    const changed = await api("PATCH", `/sources/${usersSource.id}`, { as, body: { options: { collection: "purchases" } } });
    expect(changed.status).toBe(200);
    expect((await env.DB.prepare("select state from record_properties where id = 'rpv_s2'").first<{ state: string }>())!.state).toBe("pending");
    expect((await api("GET", `/properties/${email.id}`, { as })).body.property.version).toBe(2);
  });

  it("keeps the identity Property unique and in place", async () => {
    const { as } = await sampleWorkspace("identityprop");
    const email = (await api("GET", "/properties", { as })).body.properties[0];
    expect((await api("PATCH", `/properties/${email.id}`, { as, body: { unique: false } })).status).toBe(409);
    const del = await api("DELETE", `/properties/${email.id}`, { as });
    expect(del.status).toBe(409);
    expect(del.body.error.message).toMatch(/identifies Users/);
  });
});
