import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ImportRequest, PluginError, type Row } from "../../../plugins/contract";
import { purchasesOf, user } from "../../../plugins/sample/dataset";
import { adminConnection, dataStatements, FIXTURE_APP, recordingContext, tableSource, uniqueName, dropTable } from "./mysql-support";
import { refusal } from "./refusal";

type Options = { table: string; columns?: string[] };

/** Follows cursors to the end, as an import Run does, and keeps every page's rows and mark. */
async function importAll(options: Options, limit: number, incremental?: ImportRequest["incremental"]) {
  const pages: { rows: Row[]; highWaterMark: string | null }[] = [];
  let cursor: string | null = null;
  do {
    const { ctx } = recordingContext();
    const page = await tableSource.importRecords!(FIXTURE_APP, options, { cursor, limit, incremental }, ctx);
    pages.push({ rows: page.rows, highWaterMark: page.highWaterMark });
    cursor = page.nextCursor;
    if (pages.length > 10_000) throw new Error("the import never ended");
  } while (cursor !== null);
  return { pages, rows: pages.flatMap((p) => p.rows) };
}

/** Counts as a Run would before its first page; the count is one statement beside the catalog reads. */
async function countRows(options: Options, incremental?: ImportRequest["incremental"]) {
  const { ctx, statements } = recordingContext();
  const count = await tableSource.countRows!(FIXTURE_APP, options, { incremental }, ctx);
  expect(statements).toContain("START TRANSACTION READ ONLY");
  expect(dataStatements(statements)).toHaveLength(1);
  return { count, statements };
}

const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

describe("MySQL table Source: importRecords on the fixture", () => {
  it("full import returns every purchase exactly once, in key order, without an empty last page", async () => {
    const { pages, rows } = await importAll({ table: "purchases" }, 700);
    const expected = Array.from({ length: 1500 }, (_, i) => purchasesOf(i + 1)).flat();
    expect(rows).toEqual(expected);
    expect(pages.map((p) => p.rows.length)).toEqual([700, 700, 700, 700, 700, 700, 300]);
    expect(pages.every((p) => p.highWaterMark === null)).toBe(true);
  });

  it("incremental import walks users by updated_at, reports each page's mark, and re-reads only the rows at the last mark", async () => {
    const { pages, rows } = await importAll({ table: "users" }, 100, { column: "updated_at", after: null });
    const expected = Array.from({ length: 1500 }, (_, i) => user(i + 1)).sort(
      (a, b) => byText(String(a.updated_at), String(b.updated_at)) || Number(a.id) - Number(b.id),
    );
    expect(rows).toEqual(expected);
    for (const page of pages) expect(page.highWaterMark).toBe(page.rows.map((r) => String(r.updated_at)).sort(byText).at(-1));
    const mark = pages.at(-1)!.highWaterMark!;

    const again = await importAll({ table: "users" }, 100, { column: "updated_at", after: mark });
    expect(again.rows).toEqual(expected.filter((u) => u.updated_at === mark));
  });

  it("counts the rows a full import reads, and those at or past the mark with the mark bound, not written into the statement", async () => {
    for (const table of ["users", "purchases"]) expect((await countRows({ table })).count).toBe((await importAll({ table }, 2000)).rows.length);
    expect((await countRows({ table: "purchases" })).count).toBe(4500);

    const mark = user(600).updated_at as string;
    const incremental = { column: "updated_at", after: mark };
    const { rows } = await importAll({ table: "users", columns: ["email", "updated_at"] }, 250, incremental);
    const { count, statements } = await countRows({ table: "users", columns: ["email", "updated_at"] }, incremental);
    expect(count).toBe(rows.length);
    expect(count).toBe(Array.from({ length: 1500 }, (_, i) => user(i + 1)).filter((u) => String(u.updated_at) >= mark).length);
    expect(statements.join("\n")).not.toContain(mark.slice(0, 10));
  });

  it("keeps only the Source's columns in the rows, though it pages by the primary key too", async () => {
    const { rows } = await importAll({ table: "users", columns: ["email", "updated_at"] }, 400, { column: "updated_at", after: null });
    expect(rows).toHaveLength(1500);
    expect(new Set(rows.map((r) => r.email)).size).toBe(1500);
    expect(Object.keys(rows[0]!)).toEqual(["email", "updated_at"]);
  });
});

describe("MySQL table Source: importRecords with ties on the mark", () => {
  const table = uniqueName("ties");
  const INSTANTS = ["2024-03-01 10:00:00.000001", "2024-03-01 10:00:00.000002", "2024-03-01 10:00:01.500000", "2024-03-02 00:00:00.000000", "2024-03-02 00:00:00.999999"];
  const iso = (mysqlTime: string) => `${mysqlTime.replace(" ", "T")}Z`;

  beforeAll(async () => {
    const admin = await adminConnection();
    try {
      await admin.command(
        `CREATE TABLE \`${table}\` (region VARCHAR(8) NOT NULL, id INT NOT NULL, changed_at DATETIME(6) NULL, version BIGINT NOT NULL, note TEXT, PRIMARY KEY (region, id))`,
      );
      // 40 rows over 5 instants (8 rows share each), 3 without a mark, versions repeating in runs of 6.
      for (let i = 0; i < 40; i++) {
        const at = i % 13 === 12 ? null : INSTANTS[i % 5]!;
        await admin.execute(`INSERT INTO \`${table}\` VALUES (?, ?, ?, ?, ?)`, [i % 2 ? "us" : "eu", i, at, Math.floor(i / 6), `row ${i}`]);
      }
    } finally {
      await admin.close();
    }
  });

  afterAll(() => dropTable(table));

  const key = (r: Row) => `${r.region}/${r.id}`;
  const sortByMark = (rows: Row[], mark: string) => [...rows].sort((a, b) => byText(String(a[mark]), String(b[mark])) || byText(String(a.region), String(b.region)) || Number(a.id) - Number(b.id));

  it("pages through shared marks with a composite key: every marked row once, in mark order, microseconds kept", async () => {
    const full = await importAll({ table }, 3);
    expect(full.rows.map(key)).toEqual([...full.rows].sort((a, b) => byText(String(a.region), String(b.region)) || Number(a.id) - Number(b.id)).map(key));
    expect(new Set(full.rows.map(key)).size).toBe(40);

    const { pages, rows } = await importAll({ table }, 3, { column: "changed_at", after: null });
    const marked = full.rows.filter((r) => r.changed_at !== null);
    expect(marked).toHaveLength(37);
    expect(rows).toEqual(sortByMark(marked, "changed_at"));
    expect(new Set(rows.map((r) => r.changed_at))).toEqual(new Set(INSTANTS.map(iso)));
    for (const page of pages) expect(page.highWaterMark).toBe(page.rows.at(-1)!.changed_at);
    expect(pages.at(-1)!.highWaterMark).toBe("2024-03-02T00:00:00.999999Z");
  });

  it("the next run starts at the mark: rows sharing it are read again, a new tie and a later row are found", async () => {
    const first = await importAll({ table }, 4, { column: "changed_at", after: null });
    const mark = first.pages.at(-1)!.highWaterMark!;
    const admin = await adminConnection();
    try {
      await admin.execute(`INSERT INTO \`${table}\` VALUES ('eu', 100, ?, 9, 'new tie'), ('eu', 101, ?, 9, 'later')`, ["2024-03-02 00:00:00.999999", "2024-03-02 00:00:01.000000"]);
    } finally {
      await admin.close();
    }
    const next = await importAll({ table }, 4, { column: "changed_at", after: mark });
    const atMark = first.rows.filter((r) => r.changed_at === mark).map(key);
    expect(next.rows.map(key)).toEqual([...sortByMark([...first.rows.filter((r) => r.changed_at === mark), { region: "eu", id: 100, changed_at: mark }], "changed_at").map(key), "eu/101"]);
    expect(atMark.length).toBeGreaterThan(1);
    expect(next.pages.at(-1)!.highWaterMark).toBe("2024-03-02T00:00:01.000000Z");
  });

  it("an integer mark with long runs of ties is paged exactly once too", async () => {
    const all = (await importAll({ table }, 50)).rows;
    const { rows, pages } = await importAll({ table }, 4, { column: "version", after: null });
    expect(rows).toEqual([...all].sort((a, b) => Number(a.version) - Number(b.version) || byText(String(a.region), String(b.region)) || Number(a.id) - Number(b.id)));
    expect(pages.at(-1)!.highWaterMark).toBe(String(Math.max(...all.map((r) => Number(r.version)))));
  });

  it("counts what the import reads: rows without a mark only in full", async () => {
    const requests: ImportRequest["incremental"][] = [undefined, { column: "changed_at", after: null }, { column: "changed_at", after: "2024-03-02T00:00:00Z" }];
    const counts: number[] = [];
    for (const incremental of requests) {
      const { rows } = await importAll({ table }, 7, incremental);
      const { count } = await countRows({ table }, incremental);
      expect(count).toBe(rows.length);
      counts.push(count);
    }
    // The three rows without a mark; the rest hold one.
    expect(counts[0]! - counts[1]!).toBe(3);
    expect(counts[2]).toBeGreaterThan(0);
    expect(counts[2]).toBeLessThan(counts[1]!);
  });

  it("refuses to count exactly what the import refuses", async () => {
    const { ctx } = recordingContext();
    const refused = [
      { incremental: { column: "note", after: null }, code: "invalid_options" },
      { incremental: { column: "missing", after: null }, code: "not_found" },
      { incremental: { column: "changed_at", after: "last tuesday" }, code: "invalid_options" },
    ];
    for (const { incremental, code } of refused) {
      const counting = await refusal(tableSource.countRows!(FIXTURE_APP, { table }, { incremental }, ctx));
      const importing = (await refusal(tableSource.importRecords!(FIXTURE_APP, { table }, { cursor: null, limit: 5, incremental }, ctx))) as PluginError;
      expect(counting).toBeInstanceOf(PluginError);
      expect(counting).toMatchObject({ code, message: importing.message });
    }
  });

  it("refuses marks it cannot order by, cursors it did not make, and tables without a primary key", async () => {
    const { ctx } = recordingContext();
    await expect(tableSource.importRecords!(FIXTURE_APP, { table }, { cursor: null, limit: 5, incremental: { column: "note", after: null } }, ctx)).rejects.toMatchObject({
      code: "invalid_options",
      message: expect.stringContaining(`Column "note" (text) cannot hold a high-water mark`),
    });
    await expect(tableSource.importRecords!(FIXTURE_APP, { table }, { cursor: "bm90IG1pbmU", limit: 5 }, ctx)).rejects.toMatchObject({ code: "invalid_options" });
    await expect(
      tableSource.importRecords!(FIXTURE_APP, { table }, { cursor: null, limit: 5, incremental: { column: "changed_at", after: "last tuesday" } }, ctx),
    ).rejects.toMatchObject({ code: "invalid_options", message: expect.stringContaining(`"last tuesday" is not a value of column "changed_at"`) });

    const keyless = uniqueName("keyless");
    const admin = await adminConnection();
    try {
      await admin.command(`CREATE TABLE \`${keyless}\` (a INT)`);
      await expect(tableSource.importRecords!(FIXTURE_APP, { table: keyless }, { cursor: null, limit: 5 }, ctx)).rejects.toMatchObject({
        code: "invalid_options",
        message: expect.stringContaining("has no primary key"),
      });
    } finally {
      await admin.command(`DROP TABLE IF EXISTS \`${keyless}\``);
      await admin.close();
    }
  });
});
