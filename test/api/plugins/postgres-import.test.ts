import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ImportPage, type ImportRequest, PluginError, type Row } from "../../../plugins/contract";
import { user } from "../../../plugins/sample/dataset";
import { FIXTURE_CUSTOMERS } from "../../support/customer-databases";
import { adminSql, fixtureApp, isTransactionControl, recordingContext, scratchTable, tableSource } from "./postgres-support";
import { refusal } from "./refusal";

async function pageAll(table: string, request: Omit<ImportRequest, "cursor">, columns?: string[]) {
  const rows: Row[] = [];
  const marks: (string | null)[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const { ctx, statements } = recordingContext();
    const page: ImportPage = await tableSource.importRecords!(fixtureApp, { table, columns }, { ...request, cursor }, ctx);
    // One catalog read to find the key and column types, one read of the page.
    expect(statements.filter((s) => !isTransactionControl(s))).toHaveLength(2);
    expect(page.rows.length).toBeLessThanOrEqual(request.limit);
    rows.push(...page.rows);
    marks.push(page.highWaterMark);
    cursor = page.nextCursor;
    pages++;
  } while (cursor);
  return { rows, marks, pages };
}

/** Counts as a Run would before its first page, checking the count is one read-only statement after the catalog read. */
async function countRows(table: string, incremental?: ImportRequest["incremental"], columns?: string[]) {
  const { ctx, statements } = recordingContext();
  const count = await tableSource.countRows!(fixtureApp, { table, columns }, { incremental }, ctx);
  expect(statements[0]).toBe("BEGIN READ ONLY");
  expect(statements.filter((s) => !isTransactionControl(s))).toHaveLength(2);
  return { count, statements };
}

/** ISO-8601 UTC as the plugin writes a timestamptz mark: to the microsecond. */
const microIso = (iso: string) => iso.replace(/\.(\d{3})Z$/, ".$1000Z");

describe("PostgreSQL importRecords on the fixture", () => {
  it("pages through every purchase exactly once, in key order", async () => {
    const { rows, marks, pages } = await pageAll("purchases", { limit: 700 });
    const ids = rows.map((r) => Number(r.id));
    expect(ids).toEqual(Array.from({ length: FIXTURE_CUSTOMERS * 3 }, (_, i) => i + 1));
    expect(pages).toBe(Math.ceil(ids.length / 700));
    expect(marks.every((m) => m === null)).toBe(true);
    expect(Object.keys(rows[0]!)).toEqual(["id", "user_id", "amount", "created_at"]);
  });

  it("reads only the rows at or past the mark, and reports the newest mark", async () => {
    const mark = user(600).updated_at as string;
    const { rows, marks } = await pageAll("users", { limit: 250, incremental: { column: "updated_at", after: mark } }, ["id", "email", "updated_at"]);
    const expected = Array.from({ length: FIXTURE_CUSTOMERS }, (_, i) => user(i + 1)).filter((u) => String(u.updated_at) >= mark);
    expect(rows.map((r) => Number(r.id)).sort((a, b) => a - b)).toEqual(expected.map((u) => u.id));
    expect(Object.keys(rows[0]!)).toEqual(["id", "email", "updated_at"]);
    const newest = expected.map((u) => String(u.updated_at)).sort().at(-1)!;
    expect(marks.at(-1)).toBe(microIso(newest));
    // Each page's mark is the largest on that page, so marks only grow.
    expect([...marks].sort()).toEqual(marks);
  });

  it("counts the rows a full import pages through", async () => {
    for (const table of ["users", "purchases"]) {
      const { rows } = await pageAll(table, { limit: 2000 });
      expect((await countRows(table)).count).toBe(rows.length);
    }
    expect((await countRows("purchases")).count).toBe(FIXTURE_CUSTOMERS * 3);
  });

  it("counts the rows at or past the mark, the mark bound as a parameter rather than written into the statement", async () => {
    const mark = user(600).updated_at as string;
    const incremental = { column: "updated_at", after: mark };
    const { rows } = await pageAll("users", { limit: 250, incremental }, ["id", "email", "updated_at"]);
    const { count, statements } = await countRows("users", incremental, ["id", "email", "updated_at"]);
    expect(count).toBe(rows.length);
    expect(count).toBe(Array.from({ length: FIXTURE_CUSTOMERS }, (_, i) => user(i + 1)).filter((u) => String(u.updated_at) >= mark).length);
    expect(statements.join("\n")).not.toContain(mark.slice(0, 10));
    expect((await countRows("users", { column: "updated_at", after: null })).count).toBe(FIXTURE_CUSTOMERS);
  });

  it("refuses to count by a mark column exactly as the import refuses it", async () => {
    const { ctx } = recordingContext();
    for (const [column, code] of [["email", "invalid_options"], ["changed", "not_found"]] as const) {
      const incremental = { column, after: null };
      const counting = await refusal(tableSource.countRows!(fixtureApp, { table: "users" }, { incremental }, ctx));
      const importing = (await refusal(tableSource.importRecords!(fixtureApp, { table: "users" }, { cursor: null, limit: 10, incremental }, ctx))) as PluginError;
      expect(counting).toBeInstanceOf(PluginError);
      expect(counting).toMatchObject({ code, message: importing.message });
    }
    // A column the table has but the Source does not show is as unknown to the count as to the import.
    await expect(tableSource.countRows!(fixtureApp, { table: "users", columns: ["id", "email"] }, { incremental: { column: "updated_at", after: null } }, ctx)).rejects.toMatchObject({
      code: "not_found",
    });
  });

  it("refuses a mark column that cannot order, one that is not there, and a forged cursor", async () => {
    const { ctx } = recordingContext();
    await expect(tableSource.importRecords!(fixtureApp, { table: "users" }, { cursor: null, limit: 10, incremental: { column: "email", after: null } }, ctx)).rejects.toMatchObject({
      code: "invalid_options",
    });
    await expect(tableSource.importRecords!(fixtureApp, { table: "users" }, { cursor: null, limit: 10, incremental: { column: "changed", after: null } }, ctx)).rejects.toMatchObject({
      code: "not_found",
    });
    await expect(tableSource.importRecords!(fixtureApp, { table: "users" }, { cursor: '{"key":["1"],"mark":"x"}', limit: 10 }, ctx)).rejects.toMatchObject({ code: "invalid_options" });
    await expect(tableSource.importRecords!(fixtureApp, { table: "users" }, { cursor: "not json", limit: 10 }, ctx)).rejects.toMatchObject({ code: "invalid_options" });
  });
});

describe("PostgreSQL importRecords on tables that change", () => {
  const sql = adminSql();
  const events = scratchTable("events");
  const keyless = scratchTable("keyless");
  const pairs = scratchTable("pairs");
  const view = scratchTable("view");
  const sparse = scratchTable("sparse");
  /** Four marks a microsecond apart, 25 rows on each: a millisecond clock would see one mark. */
  const BASE = "2024-03-05 12:30:00.000000+00";

  beforeAll(async () => {
    await sql.unsafe(`create table ${events} (id bigint primary key, changed_at timestamptz not null, label text)`);
    await sql.unsafe(`insert into ${events} select i, '${BASE}'::timestamptz + (i / 25) * interval '1 microsecond', 'e' || i from generate_series(0, 99) i`);
    await sql.unsafe(`create table ${keyless} (email text, amount numeric)`);
    await sql.unsafe(`insert into ${keyless} select 'k' || (i % 20) || '@example.com', (i % 7) * 1.5 from generate_series(1, 53) i`);
    await sql.unsafe(`create table ${pairs} (a int, b int, primary key (a, b))`);
    await sql.unsafe(`insert into ${pairs} select i % 3, i from generate_series(1, 30) i`);
    await sql.unsafe(`create view ${view} as select user_id, amount, created_at from purchases where user_id <= 40`);
    // Every fourth row has no mark: incremental imports leave those out, full ones read them.
    await sql.unsafe(`create table ${sparse} (id int primary key, seen_at date)`);
    await sql.unsafe(`insert into ${sparse} select i, case when i % 4 <> 0 then date '2024-01-01' + i end from generate_series(1, 30) i`);
  });
  afterAll(async () => {
    await sql.unsafe(`drop view if exists ${view}`);
    for (const table of [events, keyless, pairs, sparse]) await sql.unsafe(`drop table if exists ${table}`);
    await sql.end();
  });

  it("reads every row once when many share a mark, and re-reads the rows at the stored mark", async () => {
    const first = await pageAll(events, { limit: 7, incremental: { column: "changed_at", after: null } });
    expect(first.rows.map((r) => Number(r.id)).sort((a, b) => a - b)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    const stored = first.marks.at(-1)!;
    expect(stored).toBe("2024-03-05T12:30:00.000003Z");

    const again = await pageAll(events, { limit: 7, incremental: { column: "changed_at", after: stored } });
    expect(again.rows.map((r) => Number(r.id)).sort((a, b) => a - b)).toEqual(Array.from({ length: 25 }, (_, i) => 75 + i));

    await sql.unsafe(`update ${events} set changed_at = '2024-03-06 00:00:00+00', label = 'changed' where id < 5`);
    const next = await pageAll(events, { limit: 7, incremental: { column: "changed_at", after: stored } });
    const ids = next.rows.map((r) => Number(r.id)).sort((a, b) => a - b);
    expect(ids).toEqual([0, 1, 2, 3, 4, ...Array.from({ length: 25 }, (_, i) => 75 + i)]);
    expect(next.rows.filter((r) => r.label === "changed")).toHaveLength(5);
    expect(next.marks.at(-1)).toBe("2024-03-06T00:00:00.000000Z");
  });

  it("pages a table without a primary key by row address, every row once", async () => {
    const { rows } = await pageAll(keyless, { limit: 10 });
    const expected = await sql.unsafe(`select email, amount from ${keyless}`);
    const text = (list: readonly Row[]) => list.map((r) => `${r.email}|${r.amount}`).sort();
    expect(rows).toHaveLength(53);
    expect(text(rows)).toEqual(text(expected));
  });

  it("pages a composite primary key in key order", async () => {
    const { rows } = await pageAll(pairs, { limit: 6 });
    const expected = Array.from({ length: 30 }, (_, i) => ({ a: (i + 1) % 3, b: i + 1 })).sort((x, y) => x.a - y.a || x.b - y.b);
    expect(rows).toEqual(expected);
  });

  it("pages a view, which has no key, fully and incrementally", async () => {
    const direct = await sql.unsafe(`select user_id::text, amount::text, created_at from purchases where user_id <= 40`);
    const text = (list: readonly Row[]) => list.map((r) => `${r.user_id}|${r.amount}|${new Date(r.created_at as string).toISOString()}`).sort();
    const full = await pageAll(view, { limit: 13 });
    expect(text(full.rows)).toEqual(text(direct));

    const mark = "2020-01-03T00:00:00.000Z";
    const recent = await pageAll(view, { limit: 13, incremental: { column: "created_at", after: mark } });
    expect(text(recent.rows)).toEqual(text(direct.filter((r) => new Date(r.created_at as string).toISOString() >= mark)));
  });

  it("counts what the import pages through: rows without a mark only in full, keyless tables and views too", async () => {
    const requests: Omit<ImportRequest, "cursor">[] = [
      { limit: 7 },
      { limit: 7, incremental: { column: "seen_at", after: null } },
      { limit: 7, incremental: { column: "seen_at", after: "2024-01-20" } },
    ];
    const counts: number[] = [];
    for (const request of requests) {
      const { rows } = await pageAll(sparse, request);
      const { count } = await countRows(sparse, request.incremental);
      expect(count).toBe(rows.length);
      counts.push(count);
    }
    expect(counts).toEqual([30, 23, 9]);

    expect((await countRows(keyless)).count).toBe((await pageAll(keyless, { limit: 10 })).rows.length);
    const recent = { column: "created_at", after: "2020-01-03T00:00:00.000Z" };
    expect((await countRows(view)).count).toBe((await pageAll(view, { limit: 13 })).rows.length);
    expect((await countRows(view, recent)).count).toBe((await pageAll(view, { limit: 13, incremental: recent })).rows.length);
  });
});
