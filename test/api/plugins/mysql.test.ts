import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { user } from "../../../plugins/sample/dataset";
import { api, signUp, workspaceSnapshot, type Caller, type Workspace } from "../../support/api";
import { MYSQL_FIXTURE } from "../../support/customer-databases";
import { adminConnection, decimal2, expectedPurchases, uniqueName } from "./mysql-support";

/** Two accounts made for this file: a reader of the whole database and one that may read only `users`. */
const reader = { user: uniqueName("reader").slice(0, 60), password: `pw-${crypto.randomUUID()}` };
const limited = { user: uniqueName("limited").slice(0, 60), password: `pw-${crypto.randomUUID()}` };

beforeAll(async () => {
  const admin = await adminConnection();
  try {
    // Account statements take no parameters; these names and passwords are made here from safe characters.
    for (const account of [reader, limited]) await admin.command(`CREATE USER '${account.user}'@'%' IDENTIFIED BY '${account.password}'`);
    await admin.command(`GRANT SELECT ON \`${MYSQL_FIXTURE.database}\`.* TO '${reader.user}'@'%'`);
    await admin.command(`GRANT SELECT ON \`${MYSQL_FIXTURE.database}\`.\`users\` TO '${limited.user}'@'%'`);
  } finally {
    await admin.close();
  }
});

afterAll(async () => {
  const admin = await adminConnection();
  try {
    for (const account of [reader, limited]) await admin.command(`DROP USER IF EXISTS '${account.user}'@'%'`);
  } finally {
    await admin.close();
  }
});

const appOptions = (account: { user: string; password: string }, changes: Record<string, unknown> = {}) => ({
  host: MYSQL_FIXTURE.host,
  port: MYSQL_FIXTURE.port,
  database: MYSQL_FIXTURE.database,
  user: account.user,
  password: account.password,
  ssl: "disable",
  ...changes,
});

async function createApp(as: Caller, account = reader) {
  const res = await api("POST", "/apps", { as, body: { name: "Shop database", plugin: "mysql", type: "mysql", options: appOptions(account) } });
  expect(res.status).toBe(201);
  return res.body.app as { id: string; options: Record<string, unknown> };
}

async function post(as: Caller, path: string, body: unknown, status = 201) {
  const res = await api("POST", path, { as, body });
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  return res.body;
}

describe("MySQL Apps through the API", () => {
  it("keeps the password out of every response and tests the saved connection", async () => {
    const ws = await signUp("mysqlapp");
    const app = await createApp(ws.owner);
    expect(app.options).toMatchObject({ host: "127.0.0.1", port: 3306, user: reader.user, password: "********", ssl: "disable" });

    const shown = await api("GET", `/apps/${app.id}`, { as: ws.owner });
    const listed = await api("GET", "/apps", { as: ws.owner });
    const audit = await api("GET", "/audit-log", { as: ws.owner });
    for (const res of [shown, listed, audit]) expect(JSON.stringify(res.body)).not.toContain(reader.password);

    const tested = await api("POST", `/apps/${app.id}/test`, { as: ws.owner });
    expect(tested.status).toBe(200);
    expect(tested.body.test).toMatchObject({ ok: true, message: expect.stringMatching(new RegExp(`^Connected to MariaDB \\d+\\.\\d+\\.\\d+ as ${reader.user}, database groupflow_fixture$`)) });
    expect((await api("GET", `/apps/${app.id}`, { as: ws.owner })).body.app.lastTest).toMatchObject({ ok: true });
  });

  it("answers a failing test with the server's reason and never the password", async () => {
    const ws = await signUp("mysqltest");
    const draft = (options: Record<string, unknown>) => api("POST", "/apps/test", { as: ws.owner, body: { plugin: "mysql", type: "mysql", options } });

    const wrongPassword = await draft(appOptions(reader, { password: "not-the-password" }));
    expect(wrongPassword.status).toBe(200);
    expect(wrongPassword.body.test).toMatchObject({ ok: false, error: expect.stringMatching(new RegExp(`^Access denied for user '${reader.user}'@'[^']+' \\(using password: YES\\)$`)) });
    expect(JSON.stringify(wrongPassword.body)).not.toContain("not-the-password");

    const unknownDatabase = await draft(appOptions({ user: "root", password: "" }, { database: "no_such_database" }));
    expect(unknownDatabase.body.test).toMatchObject({ ok: false, error: "Unknown database 'no_such_database'" });

    const closedPort = await draft(appOptions(reader, { port: 3399 }));
    expect(closedPort.body.test).toMatchObject({ ok: false, error: expect.stringMatching(/^Could not connect to 127\.0\.0\.1:3399: /) });

    const noTls = await draft(appOptions(reader, { ssl: "require" }));
    expect(noTls.body.test).toMatchObject({ ok: false, error: "The server at 127.0.0.1:3306 does not offer TLS, and this App requires it (ssl: require)" });

    // A saved App whose password changed remembers the failed test.
    const app = await createApp(ws.owner);
    const patched = await api("PATCH", `/apps/${app.id}`, { as: ws.owner, body: { options: appOptions(reader, { password: "changed-elsewhere" }) } });
    expect(patched.status).toBe(200);
    const tested = await api("POST", `/apps/${app.id}/test`, { as: ws.owner });
    expect(tested.body.test).toMatchObject({ ok: false, error: expect.stringContaining("Access denied") });
    expect((await api("GET", `/apps/${app.id}`, { as: ws.owner })).body.app.lastTest).toMatchObject({ ok: false });
  });
});

describe("MySQL Sources and Properties through the API", () => {
  let ws: Workspace;
  let appId: string;
  let usersSourceId: string;

  beforeAll(async () => {
    ws = await signUp("mysqlsrc");
    appId = (await createApp(ws.owner)).id;
  });

  it("lists the database's tables and previews a table before anything is saved", async () => {
    const choices = await post(ws.owner, "/sources/option-choices", { appId, type: "table", options: {}, key: "table" }, 200);
    expect(choices.choices).toEqual(expect.arrayContaining([{ value: "users", label: "users" }, { value: "purchases", label: "purchases" }]));

    const columnChoices = await post(ws.owner, "/sources/option-choices", { appId, type: "table", options: { table: "purchases" }, key: "columns" }, 200);
    expect(columnChoices.choices.map((c: { value: string }) => c.value)).toEqual(["id", "user_id", "amount", "created_at"]);

    const draft = await post(ws.owner, "/sources/preview", { appId, type: "table", options: { table: "users" } }, 200);
    expect(draft.preview.rows).toEqual(Array.from({ length: 10 }, (_, i) => user(i + 1)));
  });

  it("builds Sources on users and purchases and the Properties a shop needs", async () => {
    const users = await post(ws.owner, "/sources", {
      appId,
      name: "Customers",
      type: "table",
      options: { table: "users" },
      identity: { column: "email", propertyKey: "email", propertyType: "email" },
    });
    usersSourceId = users.source.id;
    expect(users.source.identity).toMatchObject({ column: "email", propertyKey: "email" });
    const email = (await api("GET", "/properties", { as: ws.owner })).body.properties.find((p: { key: string }) => p.key === "email");
    expect(email).toMatchObject({ type: "email", unique: true, sourceId: usersSourceId, column: "email", aggregation: "exact" });

    const preview = await api("GET", `/sources/${usersSourceId}/preview?limit=3`, { as: ws.owner });
    expect(preview.body.preview.rows).toEqual([user(1), user(2), user(3)]);
    const columns = await api("GET", `/sources/${usersSourceId}/columns`, { as: ws.owner });
    expect(columns.body.columns.map((c: { name: string; incremental: boolean }) => [c.name, c.incremental])).toEqual([
      ["id", true],
      ["email", false],
      ["first_name", false],
      ["last_name", false],
      ["country", false],
      ["created_at", true],
      ["updated_at", true],
    ]);
    expect(columns.body.columns[5].type).toBe("datetime(3)");

    await post(ws.owner, "/properties", { key: "user_id", type: "integer", unique: true, sourceId: usersSourceId, column: "id" });
    for (const key of ["first_name", "last_name", "country"]) await post(ws.owner, "/properties", { key, type: "string", sourceId: usersSourceId, column: key });

    const purchases = await post(ws.owner, "/sources", {
      appId,
      name: "Purchases",
      type: "table",
      options: { table: "purchases" },
      identity: { column: "user_id", propertyKey: "user_id" },
    });
    const purchasesSourceId = purchases.source.id;
    expect(purchases.source.identity).toMatchObject({ column: "user_id", propertyKey: "user_id" });
    await post(ws.owner, "/properties", { key: "ltv", type: "float", sourceId: purchasesSourceId, column: "amount", aggregation: "sum" });
    await post(ws.owner, "/properties", { key: "last_purchase_at", type: "date", sourceId: purchasesSourceId, column: "created_at", aggregation: "max" });
    await post(ws.owner, "/properties", { key: "purchase_count", type: "integer", sourceId: purchasesSourceId, column: "id", aggregation: "count" });

    const keys = (await api("GET", "/properties", { as: ws.owner })).body.properties.map((p: { key: string }) => p.key);
    expect(keys).toEqual(["country", "email", "first_name", "last_name", "last_purchase_at", "ltv", "purchase_count", "user_id"]);
  });

  it("adds a query Source keyed by {{ user_id }} and previews one customer's row", async () => {
    const query = "select sum(amount) as ltv, max(created_at) as last_purchase_at from purchases where user_id = {{ user_id }}";
    const created = await post(ws.owner, "/sources", { appId, name: "Lifetime value", type: "query", options: { query } });
    const id = created.source.id;
    expect(created.source.identity).toBeNull();

    const preview = await api("GET", `/sources/${id}/preview?values=${encodeURIComponent(JSON.stringify({ user_id: "42" }))}`, { as: ws.owner });
    const want = expectedPurchases(42);
    expect(preview.body.preview.rows).toEqual([{ ltv: decimal2(want.cents), last_purchase_at: want.last }]);
    const columns = await api("GET", `/sources/${id}/columns`, { as: ws.owner });
    expect(columns.body.columns).toEqual([
      { name: "ltv", type: "decimal", incremental: true },
      { name: "last_purchase_at", type: "datetime", incremental: true },
    ]);
    await post(ws.owner, "/properties", { key: "query_ltv", type: "float", sourceId: id, column: "ltv" });
  });

  it("refuses a missing table, bad SQL and a forbidden table with the server's own message, creating nothing", async () => {
    const limitedApp = await createApp(ws.owner, limited);
    const before = await workspaceSnapshot(ws.workspace.id);
    const refused = async (body: Record<string, unknown>, code: string) => {
      const res = await api("POST", "/sources", { as: ws.owner, body: { name: "Broken", appId, ...body } });
      expect(res.status, JSON.stringify(res.body)).toBe(422);
      expect(res.body.error.details.code).toBe(code);
      return res.body.error.message as string;
    };

    expect(await refused({ type: "table", options: { table: "no_such_table" }, identity: { column: "id", propertyKey: "user_id" } }, "not_found")).toContain(
      "Table 'groupflow_fixture.no_such_table' doesn't exist",
    );
    expect(await refused({ type: "table", options: { table: "users`; drop table users; --" }, identity: { column: "id", propertyKey: "user_id" } }, "not_found")).toContain(
      "Table 'groupflow_fixture.users`; drop table users; --' doesn't exist",
    );
    expect(await refused({ type: "table", options: { table: "users", columns: "email, no_such_column" }, identity: { column: "email", propertyKey: "email" } }, "not_found")).toContain(
      "Unknown column 'no_such_column'",
    );
    expect(await refused({ type: "query", options: { query: "select sum(amount) as ltv frm purchases where user_id = {{ user_id }}" } }, "query_failed")).toContain(
      "You have an error in your SQL syntax",
    );
    expect(await refused({ type: "query", options: { query: "select * from no_such_view where user_id = {{ user_id }}" } }, "not_found")).toContain(
      "Table 'groupflow_fixture.no_such_view' doesn't exist",
    );
    const forbidden = await refused(
      { appId: limitedApp.id, type: "table", options: { table: "purchases" }, identity: { column: "user_id", propertyKey: "user_id" } },
      "query_failed",
    );
    expect(forbidden).toMatch(new RegExp(`SELECT command denied to user '${limited.user}'@'[^']+' for table .*purchases`));

    expect(await workspaceSnapshot(ws.workspace.id)).toBe(before);
    const stillThere = await post(ws.owner, "/sources/preview", { appId, type: "table", options: { table: "users" } }, 200);
    expect(stillThere.preview.rows).toHaveLength(10);
  });

  it("refuses a placeholder inside quotes before connecting, as bad input", async () => {
    const res = await api("POST", "/sources", { as: ws.owner, body: { appId, name: "Quoted", type: "query", options: { query: "select 1 as one from users where email = '{{ email }}'" } } });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain("{{ email }} is inside a quoted string");
  });

  it("shows the plugin with both Source types", async () => {
    const res = await api("GET", "/plugins", { as: ws.owner });
    const mysql = res.body.plugins.find((p: { name: string }) => p.name === "mysql");
    expect(mysql.apps[0].sources.map((s: { type: string; keyedBy: string; bulkImport: boolean }) => [s.type, s.keyedBy, s.bulkImport])).toEqual([
      ["table", "identity_column", true],
      ["query", "placeholders", false],
    ]);
    expect(mysql.apps[0].options.find((o: { key: string }) => o.key === "password")).toMatchObject({ secret: true, required: false });
  });
});
