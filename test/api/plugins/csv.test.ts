import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import type { ImportPage, PropertyRead, RecordRef, Row } from "../../../plugins/contract";
import { purchasesOf, user, USER_COLUMNS } from "../../../plugins/sample/dataset";
import { sumDecimal } from "../../../plugins/shared/aggregate";
import { createDb } from "../../../worker/db/client";
import { TenantScope } from "../../../worker/db/tenant-scope";
import { findSource, runtimeFor } from "../../../worker/services/sources";
import { api, type Caller, signUp } from "../../support/api";
import { fileSource, pluginContext, purchasesCsv, sourceOptions, upload, usersCsv } from "./csv-fixtures";

const CUSTOMERS = 1500;

let as: Caller;
let tenantId: string;
let usersFile: { id: string; name: string; size: number };
let purchasesFile: { id: string };
let appId: string;
let usersSourceId: string;
let purchasesSourceId: string;

async function created(res: Promise<{ status: number; body: any }>, what: string) {
  const { status, body } = await res;
  if (status !== 201) throw new Error(`${what}: ${status} ${JSON.stringify(body)}`);
  return body;
}

beforeAll(async () => {
  const ws = await signUp("csv");
  as = ws.owner;
  tenantId = ws.workspace.id;
  usersFile = (await created(upload(as, "customers.csv", usersCsv(CUSTOMERS)), "users upload")).file;
  purchasesFile = (await created(upload(as, "purchases.csv", purchasesCsv(CUSTOMERS)), "purchases upload")).file;
  appId = (await created(api("POST", "/apps", { as, body: { name: "Uploads", plugin: "csv", type: "csv" } }), "app")).app.id;
  const users = await created(
    api("POST", "/sources", {
      as,
      body: { appId, name: "Customers", type: "file", options: { fileId: usersFile.id }, identity: { column: "email", propertyKey: "email", propertyType: "email" } },
    }),
    "users source",
  );
  usersSourceId = users.source.id;
  await created(api("POST", "/properties", { as, body: { key: "user_id", type: "integer", unique: true, sourceId: usersSourceId, column: "id" } }), "user_id");
  await created(api("POST", "/properties", { as, body: { key: "first_name", type: "string", sourceId: usersSourceId, column: "first_name" } }), "first_name");
  await created(api("POST", "/properties", { as, body: { key: "country", type: "string", sourceId: usersSourceId, column: "country" } }), "country");
  const purchases = await created(
    api("POST", "/sources", {
      as,
      body: { appId, name: "Purchases", type: "file", role: "enrich", options: { fileId: purchasesFile.id, delimiter: ",", header: "yes" }, identity: { column: "user_id", propertyKey: "user_id" } },
    }),
    "purchases source",
  );
  purchasesSourceId = purchases.source.id;
  await created(api("POST", "/properties", { as, body: { key: "ltv", type: "float", sourceId: purchasesSourceId, column: "amount", aggregation: "sum" } }), "ltv");
});

/** The Source's own Properties as the hydration step hands them to the plugin, called through the core's runtime. */
async function readThroughCore(sourceId: string, identity: { column: string; propertyKey: string }, records: RecordRef[]) {
  const listed = (await api("GET", "/properties", { as })).body.properties as (PropertyRead & { sourceId: string; unique: boolean })[];
  const properties = listed.filter((p) => p.sourceId === sourceId && !p.unique);
  const scope = new TenantScope(createDb(env.DB), tenantId);
  const { runtime } = await runtimeFor(scope, env, await findSource(scope, sourceId));
  return runtime.call("Reading Properties", (ctx) => runtime.sourceType.recordProperties(runtime.appOptions, runtime.sourceOptions, { identity, properties, records }, ctx));
}

async function pageAll(page: (cursor: string | null) => Promise<ImportPage>) {
  const rows: Row[] = [];
  const marks: (string | null)[] = [];
  let pages = 0;
  let cursor: string | null = null;
  do {
    const next = await page(cursor);
    rows.push(...next.rows);
    marks.push(next.highWaterMark);
    cursor = next.nextCursor;
    pages += 1;
  } while (cursor);
  return { rows, marks, pages };
}

describe("CSV plugin", () => {
  it("offers the workspace's uploads and reports itself ready", async () => {
    const test = await api("POST", `/apps/${appId}/test`, { as });
    expect(test.body.test).toMatchObject({ ok: true, message: "CSV uploads are ready. 2 files are uploaded." });
    const choices = await api("POST", "/sources/option-choices", { as, body: { appId, type: "file", options: {}, key: "fileId" } });
    expect(choices.status).toBe(200);
    expect(choices.body.choices.map((c: { value: string }) => c.value).sort()).toEqual([usersFile.id, purchasesFile.id].sort());
    expect(choices.body.choices.find((c: { value: string }) => c.value === usersFile.id).label).toMatch(/^customers\.csv \(\d+\.\d KiB\)$/);
  });

  it("previews the first rows and types the columns from their values", async () => {
    const preview = await api("GET", `/sources/${usersSourceId}/preview?limit=3`, { as });
    expect(preview.status).toBe(200);
    expect(preview.body.preview.rows).toEqual([1, 2, 3].map((g) => Object.fromEntries(USER_COLUMNS.map((c) => [c, String(user(g)[c])]))));
    const columns = await api("GET", `/sources/${usersSourceId}/columns`, { as });
    expect(columns.body.columns).toEqual([
      { name: "id", type: "integer", incremental: true },
      { name: "email", type: "text", incremental: false },
      { name: "first_name", type: "text", incremental: false },
      { name: "last_name", type: "text", incremental: false },
      { name: "country", type: "text", incremental: false },
      { name: "created_at", type: "timestamp", incremental: true },
      { name: "updated_at", type: "timestamp", incremental: true },
    ]);
    const purchases = await api("GET", `/sources/${purchasesSourceId}/columns`, { as });
    expect(purchases.body.columns.map((c: { name: string; type: string }) => `${c.name}:${c.type}`)).toEqual(["id:integer", "user_id:integer", "amount:decimal", "created_at:timestamp"]);
  });

  it("reads first_name, country and ltv for 1,000 Records in one pass each, equal to the dataset", async () => {
    const records: RecordRef[] = Array.from({ length: 1000 }, (_, i) => ({ recordId: `rec${i + 1}`, values: { email: `user${i + 1}@example.com`, user_id: String(i + 1) } }));
    records.push({ recordId: "stranger", values: { email: "nobody@example.com", user_id: "999999" } });
    const people = await readThroughCore(usersSourceId, { column: "email", propertyKey: "email" }, records);
    const spend = await readThroughCore(purchasesSourceId, { column: "user_id", propertyKey: "user_id" }, records);
    expect(people.size).toBe(1001);
    for (let g = 1; g <= 1000; g++) {
      expect(people.get(`rec${g}`), `record ${g}`).toEqual({ first_name: [user(g).first_name], country: [user(g).country] });
      expect(spend.get(`rec${g}`), `record ${g}`).toEqual({ ltv: [sumDecimal(purchasesOf(g).map((p) => String(p.amount)))!.sum] });
    }
    expect(people.get("stranger")).toEqual({ first_name: [], country: [] });
    expect(spend.get("stranger")).toEqual({ ltv: [] });
  });

  it("matches identities regardless of case, and refuses columns the file does not have", async () => {
    const ctx = pluginContext(tenantId);
    const result = await fileSource.recordProperties({}, sourceOptions(usersFile.id), {
      identity: { column: "email", propertyKey: "email" },
      properties: [{ key: "last_name", column: "last_name", aggregation: "exact", filters: [], array: false }],
      records: [{ recordId: "r", values: { email: "USER7@Example.com" } }],
    }, ctx);
    expect(result.get("r")).toEqual({ last_name: [user(7).last_name] });
    await expect(
      fileSource.recordProperties({}, sourceOptions(usersFile.id), {
        identity: { column: "email", propertyKey: "email" },
        properties: [{ key: "ltv", column: "lifetime_value", aggregation: "sum", filters: [], array: false }],
        records: [{ recordId: "r", values: { email: "user7@example.com" } }],
      }, ctx),
    ).rejects.toThrow(/Column "lifetime_value" is not in the file; it has id, email, first_name/);
  });

  it("pages through every row exactly once, resuming each page where the last one stopped", async () => {
    const ctx = pluginContext(tenantId);
    const all = await pageAll((cursor) => fileSource.importRecords!({}, sourceOptions(usersFile.id), { cursor, limit: 400 }, ctx));
    expect(all.pages).toBe(4);
    expect(all.rows.map((r) => Number(r.id))).toEqual(Array.from({ length: CUSTOMERS }, (_, i) => i + 1));
    expect(all.rows[CUSTOMERS - 1]).toEqual(Object.fromEntries(USER_COLUMNS.map((c) => [c, String(user(CUSTOMERS)[c])])));
    // Each page after the first starts reading at its cursor's byte offset, never at the top of the file.
    const rowReads = ctx.reads.filter((r) => r.startsWith(`read ${usersFile.id} from byte`)).map((r) => Number(/from byte (\d+)/.exec(r)![1]));
    expect(rowReads).toHaveLength(4);
    expect(rowReads[0]).toBe(USER_COLUMNS.join(",").length + 1);
    for (let i = 1; i < 4; i++) expect(rowReads[i]!).toBeGreaterThan(rowReads[i - 1]!);

    const purchases = await pageAll((cursor) => fileSource.importRecords!({}, sourceOptions(purchasesFile.id), { cursor, limit: 1000 }, ctx));
    const expected = Array.from({ length: CUSTOMERS }, (_, i) => purchasesOf(i + 1)).flat();
    expect(purchases.rows.map((r) => Number(r.id))).toEqual(expected.map((p) => p.id));
  });

  it("imports incrementally: the rows at or past the mark, and the largest mark seen", async () => {
    const ctx = pluginContext(tenantId);
    const after = String(user(900).updated_at);
    const page = (cursor: string | null) =>
      fileSource.importRecords!({}, sourceOptions(usersFile.id), { cursor, limit: 100, incremental: { column: "updated_at", after } }, ctx);
    const result = await pageAll(page);
    const expected = Array.from({ length: CUSTOMERS }, (_, i) => user(i + 1)).filter((u) => String(u.updated_at) >= after);
    expect(result.rows.map((r) => Number(r.id))).toEqual(expected.map((u) => u.id));
    const newest = expected.map((u) => String(u.updated_at)).sort().at(-1);
    expect(result.marks.filter((m) => m !== null).sort().at(-1)).toBe(newest);

    const first = await fileSource.importRecords!({}, sourceOptions(usersFile.id), { cursor: null, limit: 10, incremental: { column: "updated_at", after: null } }, ctx);
    expect(first.rows.map((r) => Number(r.id))).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(first.highWaterMark).toBe(Array.from({ length: 10 }, (_, i) => String(user(i + 1).updated_at)).sort().at(-1));
    await expect(fileSource.importRecords!({}, sourceOptions(usersFile.id), { cursor: null, limit: 10, incremental: { column: "modified", after: null } }, ctx)).rejects.toThrow(
      /Column "modified" is not in the file/,
    );
    await expect(fileSource.importRecords!({}, sourceOptions(usersFile.id), { cursor: "not-a-cursor", limit: 10 }, ctx)).rejects.toThrow(/not a cursor/);
  });

  it("refuses a Source on a file that is not this workspace's", async () => {
    const other = await signUp("csvother");
    const theirApp = (await api("POST", "/apps", { as: other.owner, body: { name: "Theirs", plugin: "csv", type: "csv" } })).body.app;
    const res = await api("POST", "/sources", {
      as: other.owner,
      body: { appId: theirApp.id, name: "Stolen", type: "file", options: { fileId: usersFile.id }, identity: { column: "email", propertyKey: "email" } },
    });
    expect(res.status).toBe(422);
    expect(res.body.error.details.code).toBe("not_found");
    expect(res.body.error.message).not.toContain("customers.csv");
    const choices = await api("POST", "/sources/option-choices", { as: other.owner, body: { appId: theirApp.id, type: "file", options: {}, key: "fileId" } });
    expect(choices.body.choices).toEqual([]);
  });
});
