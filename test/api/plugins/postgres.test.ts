import { describe, expect, it } from "vitest";
import { sumDecimal } from "../../../plugins/shared/aggregate";
import { purchasesOf, user } from "../../../plugins/sample/dataset";
import { POSTGRES_FIXTURE } from "../../support/customer-databases";
import { api, type Caller, signUp, tableCounts } from "../../support/api";

/** The fixture server trusts local connections, so any password works; it must still never be shown. */
const PASSWORD = "pw-never-shown-7f3a";
const appOptions = { host: POSTGRES_FIXTURE.host, port: POSTGRES_FIXTURE.port, database: POSTGRES_FIXTURE.database, user: POSTGRES_FIXTURE.user, password: PASSWORD, ssl: "disable" };

async function postgresWorkspace(label: string) {
  const ws = await signUp(label);
  const created = await api("POST", "/apps", { as: ws.owner, body: { name: "Warehouse", plugin: "postgres", type: "postgres", options: appOptions } });
  if (created.status !== 201) throw new Error(JSON.stringify(created.body));
  return { as: ws.owner as Caller, app: created.body.app };
}

async function createSource(as: Caller, body: Record<string, unknown>) {
  const res = await api("POST", "/sources", { as, body });
  if (res.status !== 201) throw new Error(`${res.status} ${JSON.stringify(res.body)}`);
  return res.body.source;
}

async function createProperty(as: Caller, body: Record<string, unknown>) {
  const res = await api("POST", "/properties", { as, body: { type: "string", ...body } });
  if (res.status !== 201) throw new Error(`${res.status} ${JSON.stringify(res.body)}`);
  return res.body.property;
}

describe("PostgreSQL Apps", () => {
  it("is installed with both Source types", async () => {
    const ws = await signUp("pgplugins");
    const plugin = (await api("GET", "/plugins", { as: ws.owner })).body.plugins.find((p: { name: string }) => p.name === "postgres");
    expect(plugin.apps[0].options.find((o: { key: string }) => o.key === "password")).toMatchObject({ secret: true });
    expect(plugin.apps[0].sources).toEqual([
      expect.objectContaining({ type: "table", keyedBy: "identity_column", bulkImport: true }),
      expect.objectContaining({ type: "query", keyedBy: "placeholders", bulkImport: false }),
    ]);
  });

  it("keeps the password masked and reports a working connection", async () => {
    const { as, app } = await postgresWorkspace("pgapp");
    expect(app.options).toMatchObject({ host: "127.0.0.1", port: 5432, password: "********", ssl: "disable", schema: "public" });
    const read = await api("GET", `/apps/${app.id}`, { as });
    expect(read.body.app.options.password).toBe("********");
    expect(JSON.stringify(read.body)).not.toContain(PASSWORD);

    const tested = await api("POST", `/apps/${app.id}/test`, { as });
    expect(tested.status).toBe(200);
    expect(tested.body.test).toMatchObject({ ok: true });
    expect(tested.body.test.message).toMatch(/^Connected to PostgreSQL \d+.* as postgres on database groupflow_fixture$/);
    expect((await api("GET", `/apps/${app.id}`, { as })).body.app.lastTest).toMatchObject({ ok: true });

    // Sending the mask back keeps the stored password: the App still connects.
    const renamed = await api("PATCH", `/apps/${app.id}`, { as, body: { name: "Warehouse (replica)", options: { ...appOptions, password: "********" } } });
    expect(renamed.body.app.options.password).toBe("********");
    expect((await api("POST", `/apps/${app.id}/test`, { as })).body.test.ok).toBe(true);
  });

  it("gives the server's reason when a connection fails, never the password", async () => {
    const ws = await signUp("pgbadapp");
    const attempt = async (options: Record<string, unknown>) => {
      const res = await api("POST", "/apps/test", { as: ws.owner, body: { plugin: "postgres", type: "postgres", options: { ...appOptions, ...options } } });
      expect(res.status).toBe(200);
      expect(res.body.test.ok).toBe(false);
      expect(JSON.stringify(res.body)).not.toContain(PASSWORD);
      return res.body.test.error as string;
    };
    expect(await attempt({ database: "no_such_database" })).toBe('database "no_such_database" does not exist');
    expect(await attempt({ user: "no_such_role" })).toBe('role "no_such_role" does not exist');
    expect(await attempt({ port: 5499 })).toMatch(/^Could not connect to 127\.0\.0\.1:5499/);
    expect(await attempt({ ssl: "require" })).toMatch(/does not accept SSL connections/);
    expect(await attempt({ schema: "no_such_schema" })).toBe('schema "no_such_schema" does not exist in database "groupflow_fixture"');

    const saved = await api("POST", "/apps", { as: ws.owner, body: { name: "Wrong", plugin: "postgres", type: "postgres", options: { ...appOptions, database: "no_such_database" } } });
    const tested = await api("POST", `/apps/${saved.body.app.id}/test`, { as: ws.owner });
    expect(tested.body.test).toMatchObject({ ok: false, error: 'database "no_such_database" does not exist' });
  });

  it("refuses options the driver could misread", async () => {
    const ws = await signUp("pgopts");
    for (const options of [{ host: "/var/run/postgresql" }, { host: "a,b" }, { port: 70000 }, { ssl: "prefer" }, { database: "" }]) {
      const res = await api("POST", "/apps", { as: ws.owner, body: { name: "Bad", plugin: "postgres", type: "postgres", options: { ...appOptions, ...options } } });
      expect(res.status, JSON.stringify(options)).toBe(400);
    }
  });
});

describe("PostgreSQL Sources", () => {
  it("lists the schema's tables and a table's columns as option choices", async () => {
    const { as, app } = await postgresWorkspace("pgchoices");
    const tables = await api("POST", "/sources/option-choices", { as, body: { appId: app.id, type: "table", options: {}, key: "table" } });
    expect(tables.status).toBe(200);
    const names = tables.body.choices.map((c: { value: string }) => c.value);
    expect(names).toEqual(expect.arrayContaining(["users", "purchases"]));
    const columns = await api("POST", "/sources/option-choices", { as, body: { appId: app.id, type: "table", options: { table: "purchases" }, key: "columns" } });
    expect(columns.body.choices).toEqual([
      { value: "id", label: "id (int8)" },
      { value: "user_id", label: "user_id (int8)" },
      { value: "amount", label: "amount (numeric(10,2))" },
      { value: "created_at", label: "created_at (timestamptz)" },
    ]);
  });

  it("builds customers from a users table, a purchases table and a query", async () => {
    const { as, app } = await postgresWorkspace("pgsources");
    const users = await createSource(as, {
      appId: app.id,
      name: "Users",
      type: "table",
      options: { table: "users" },
      identity: { column: "email", propertyKey: "email", propertyType: "email" },
    });
    expect(users.identity).toMatchObject({ column: "email", propertyKey: "email" });
    const properties = (await api("GET", "/properties", { as })).body.properties;
    expect(properties).toEqual([expect.objectContaining({ key: "email", type: "email", unique: true, sourceId: users.id, column: "email" })]);

    const preview = await api("GET", `/sources/${users.id}/preview?limit=3`, { as });
    expect(preview.status).toBe(200);
    expect(preview.body.preview.rows).toEqual([1, 2, 3].map((g) => ({ ...user(g), id: String(g) })));

    const columns = (await api("GET", `/sources/${users.id}/columns`, { as })).body.columns;
    expect(columns).toEqual([
      { name: "id", type: "int8", incremental: true },
      { name: "email", type: "text", incremental: false },
      { name: "first_name", type: "text", incremental: false },
      { name: "last_name", type: "text", incremental: false },
      { name: "country", type: "text", incremental: false },
      { name: "created_at", type: "timestamptz", incremental: true },
      { name: "updated_at", type: "timestamptz", incremental: true },
    ]);

    await createProperty(as, { key: "user_id", type: "integer", unique: true, sourceId: users.id, column: "id" });
    for (const key of ["first_name", "last_name", "country"]) await createProperty(as, { key, sourceId: users.id, column: key });

    const purchases = await createSource(as, {
      appId: app.id,
      name: "Purchases",
      type: "table",
      role: "enrich",
      options: { table: "purchases" },
      identity: { column: "user_id", propertyKey: "user_id" },
    });
    expect(purchases.identity).toMatchObject({ column: "user_id", propertyKey: "user_id" });
    await createProperty(as, { key: "ltv", type: "float", sourceId: purchases.id, column: "amount", aggregation: "sum" });
    await createProperty(as, { key: "last_purchase_at", type: "date", sourceId: purchases.id, column: "created_at", aggregation: "max" });
    await createProperty(as, { key: "purchase_count", type: "integer", sourceId: purchases.id, column: "id", aggregation: "count" });

    const query = await createSource(as, {
      appId: app.id,
      name: "Lifetime value",
      type: "query",
      role: "enrich",
      options: { query: "select sum(amount) as ltv, max(created_at) as last_purchase_at from purchases where user_id = {{ user_id }}" },
    });
    expect(query.identity).toBeNull();
    const queryColumns = (await api("GET", `/sources/${query.id}/columns`, { as })).body.columns;
    expect(queryColumns).toEqual([
      { name: "ltv", type: "numeric", incremental: false },
      { name: "last_purchase_at", type: "timestamptz", incremental: false },
    ]);
    const bought = purchasesOf(7);
    const one = await api("GET", `/sources/${query.id}/preview?values=${encodeURIComponent(JSON.stringify({ user_id: "7" }))}`, { as });
    expect(one.status).toBe(200);
    expect(one.body.preview.rows).toHaveLength(1);
    expect(sumDecimal([one.body.preview.rows[0].ltv])!.sum).toBe(sumDecimal(bought.map((p) => String(p.amount)))!.sum);
    expect(one.body.preview.rows[0].last_purchase_at).toBe(bought[bought.length - 1]!.created_at);
    await createProperty(as, { key: "lifetime_value", type: "float", sourceId: query.id, column: "ltv" });

    const keys = (await api("GET", "/properties", { as })).body.properties.map((p: { key: string }) => p.key);
    expect(keys).toEqual(["country", "email", "first_name", "last_name", "last_purchase_at", "lifetime_value", "ltv", "purchase_count", "user_id"]);
  });

  it("previews a subset of columns and refuses a column the table lacks", async () => {
    const { as, app } = await postgresWorkspace("pgsubset");
    const draft = await api("POST", "/sources/preview", { as, body: { appId: app.id, type: "table", options: { table: "users", columns: "email, country" } } });
    expect(draft.status).toBe(200);
    expect(draft.body.preview.columns.map((c: { name: string }) => c.name)).toEqual(["email", "country"]);
    expect(draft.body.preview.rows[0]).toEqual({ email: "user1@example.com", country: user(1).country });

    const before = await tableCounts();
    const res = await api("POST", "/sources", {
      as,
      body: { appId: app.id, name: "Users", type: "table", options: { table: "users", columns: ["email", "nickname"] }, identity: { column: "email", propertyKey: "email" } },
    });
    expect(res.status).toBe(422);
    expect(res.body.error.message).toMatch(/column "nickname" does not exist in "public"\."users"/);
    expect(await tableCounts()).toEqual(before);
  });

  it("refuses a missing table or broken SQL with PostgreSQL's own words, and creates nothing", async () => {
    const { as, app } = await postgresWorkspace("pgbadsrc");
    await createSource(as, { appId: app.id, name: "Users", type: "table", options: { table: "users" }, identity: { column: "id", propertyKey: "user_id", propertyType: "integer" } });
    const before = await tableCounts();
    const refusals: [Record<string, unknown>, string, RegExp][] = [
      [{ type: "table", options: { table: "no_such_table" }, identity: { column: "id", propertyKey: "thing_id" } }, "not_found", /relation "public\.no_such_table" does not exist/],
      [{ type: "query", options: { query: "selec amount from purchases where user_id = {{ user_id }}" } }, "query_failed", /syntax error at or near "from"/],
      [{ type: "query", options: { query: "select amont from purchases where user_id = {{ user_id }}" } }, "not_found", /column "amont" does not exist/],
      [{ type: "query", options: { query: "select * from orders where user_id = {{ user_id }}" } }, "not_found", /relation "orders" does not exist/],
      [{ type: "query", options: { query: "select 1 as x where {{ user_id }} > 0; delete from users" } }, "query_failed", /syntax error/],
    ];
    for (const [body, code, message] of refusals) {
      const res = await api("POST", "/sources", { as, body: { appId: app.id, name: "Broken", ...body } });
      expect(res.status, JSON.stringify(body)).toBe(422);
      expect(res.body.error.code).toBe("plugin_error");
      expect(res.body.error.details.code, JSON.stringify(body)).toBe(code);
      expect(res.body.error.message, JSON.stringify(body)).toMatch(message);
    }
    expect(await tableCounts()).toEqual(before);
    const columns = await api("POST", "/sources/option-choices", { as, body: { appId: app.id, type: "table", options: { table: "no_such_table" }, key: "columns" } });
    expect(columns.status).toBe(422);
    expect(columns.body.error.message).toMatch(/relation "public\.no_such_table" does not exist/);
  });
});
