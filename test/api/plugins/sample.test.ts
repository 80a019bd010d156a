import { describe, expect, it } from "vitest";
import { type ImportPage, type PluginContext, PluginError, type PropertyRead, type RecordRef, type Row, type SourceType } from "../../../plugins/contract";
import { sumDecimal } from "../../../plugins/shared/aggregate";
import { purchasesOf, user } from "../../../plugins/sample/dataset";
import { samplePlugin } from "../../../plugins/sample";
import { refusal } from "./refusal";

const app = { customers: 1200 };
const ctx: PluginContext = { tenantId: "ten_test", signal: new AbortController().signal, files: { read: async () => null, size: async () => null } };
const table = samplePlugin.apps[0]!.sources[0] as SourceType<typeof app, { collection: "users" | "purchases" }>;
const prop = (p: Partial<PropertyRead> & Pick<PropertyRead, "key" | "column">): PropertyRead => ({ aggregation: "exact", filters: [], array: false, ...p });

async function pageAll(request: (cursor: string | null) => Promise<ImportPage>) {
  const rows: Row[] = [];
  let cursor: string | null = null;
  const marks: (string | null)[] = [];
  do {
    const page = await request(cursor);
    rows.push(...page.rows);
    marks.push(page.highWaterMark);
    cursor = page.nextCursor;
  } while (cursor);
  return { rows, marks };
}

describe("sample plugin", () => {
  it("reads many Properties for 1,000 Records, equal to the dataset's formulas", async () => {
    const records: RecordRef[] = Array.from({ length: 1000 }, (_, i) => ({ recordId: `r${i + 1}`, values: { user_id: String(i + 1), email: `user${i + 1}@example.com` } }));
    const users = await table.recordProperties(app, { collection: "users" }, {
      identity: { column: "email", propertyKey: "email" },
      properties: [prop({ key: "first_name", column: "first_name" }), prop({ key: "country", column: "country" })],
      records,
    }, ctx);
    const purchases = await table.recordProperties(app, { collection: "purchases" }, {
      identity: { column: "user_id", propertyKey: "user_id" },
      properties: [
        prop({ key: "ltv", column: "amount", aggregation: "sum" }),
        prop({ key: "last_purchase_at", column: "created_at", aggregation: "max" }),
        prop({ key: "purchases", column: "id", aggregation: "count" }),
      ],
      records,
    }, ctx);
    for (const u of [1, 2, 77, 500, 1000]) {
      const expected = user(u);
      expect(users.get(`r${u}`)).toEqual({ first_name: [expected.first_name], country: [expected.country] });
      const bought = purchasesOf(u);
      expect(purchases.get(`r${u}`)).toEqual({
        ltv: [sumDecimal(bought.map((p) => String(p.amount)))!.sum],
        last_purchase_at: [bought[bought.length - 1]!.created_at],
        purchases: [String(bought.length)],
      });
    }
    expect(users.size).toBe(1000);
  });

  it("gives an unknown Record no values rather than failing the batch", async () => {
    const result = await table.recordProperties(app, { collection: "users" }, {
      identity: { column: "email", propertyKey: "email" },
      properties: [prop({ key: "first_name", column: "first_name" })],
      records: [{ recordId: "ghost", values: { email: "nobody@example.com" } }, { recordId: "none", values: { email: null } }],
    }, ctx);
    expect(result.get("ghost")).toEqual({ first_name: [] });
    expect(result.get("none")).toEqual({ first_name: [] });
  });

  it("pages through every row exactly once, fully and incrementally", async () => {
    const full = await pageAll((cursor) => table.importRecords!(app, { collection: "purchases" }, { cursor, limit: 500 }, ctx));
    const ids = full.rows.map((r) => Number(r.id));
    expect(ids).toHaveLength(3600);
    expect(new Set(ids).size).toBe(3600);

    const mark = user(600).updated_at as string;
    const incremental = await pageAll((cursor) =>
      table.importRecords!(app, { collection: "users" }, { cursor, limit: 100, incremental: { column: "updated_at", after: mark } }, ctx),
    );
    const expected = Array.from({ length: 1200 }, (_, i) => user(i + 1)).filter((u) => String(u.updated_at) >= mark);
    expect(incremental.rows.map((r) => r.id).sort()).toEqual(expected.map((u) => u.id).sort());
    expect(incremental.marks.at(-1)).toBe(expected.map((u) => String(u.updated_at)).sort().at(-1));
  });

  it("counts the rows an import reads, fully and from a mark, from the formulas", async () => {
    for (const collection of ["users", "purchases"] as const) {
      const full = await pageAll((cursor) => table.importRecords!(app, { collection }, { cursor, limit: 500 }, ctx));
      expect(await table.countRows!(app, { collection }, {}, ctx)).toBe(full.rows.length);
    }
    expect(await table.countRows!(app, { collection: "purchases" }, {}, ctx)).toBe(3600);
    // Seven customers end partway through the cycle of purchase counts.
    expect(await table.countRows!({ customers: 7 }, { collection: "purchases" }, {}, ctx)).toBe(Array.from({ length: 7 }, (_, i) => purchasesOf(i + 1)).flat().length);

    const marks = [
      { collection: "users", incremental: { column: "updated_at", after: user(600).updated_at as string } },
      { collection: "purchases", incremental: { column: "created_at", after: purchasesOf(900)[0]!.created_at as string } },
      { collection: "purchases", incremental: { column: "id", after: "3000" } },
      { collection: "users", incremental: { column: "id", after: null } },
    ] as const;
    for (const { collection, incremental } of marks) {
      const read = await pageAll((cursor) => table.importRecords!(app, { collection }, { cursor, limit: 250, incremental }, ctx));
      expect(await table.countRows!(app, { collection }, { incremental }, ctx)).toBe(read.rows.length);
    }
    expect(await table.countRows!(app, { collection: "purchases" }, { incremental: { column: "id", after: "3000" } }, ctx)).toBe(601);
  });

  it("refuses to count by a column that is not there, as the import does", async () => {
    const incremental = { column: "changed_at", after: null };
    const counting = await refusal(table.countRows!(app, { collection: "users" }, { incremental }, ctx));
    const importing = (await refusal(table.importRecords!(app, { collection: "users" }, { cursor: null, limit: 10, incremental }, ctx))) as PluginError;
    expect(counting).toBeInstanceOf(PluginError);
    expect(counting).toMatchObject({ code: "not_found", message: importing.message });
  });
});
