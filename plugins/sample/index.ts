import { z } from "zod";
import { type Column, defineAppType, definePlugin, defineSourceType, PluginError, type Row } from "../contract";
import { aggregateByRecord, compareValues, normalizeValue } from "../shared/aggregate";
import { firstPurchaseId, PURCHASE_COLUMNS, purchasesOf, user, USER_COLUMNS } from "./dataset";

const appOptions = z.object({ customers: z.coerce.number().int().min(1).max(1_000_000).default(1000) }).strict();
type AppOptions = z.infer<typeof appOptions>;

const COLLECTIONS = { users: USER_COLUMNS, purchases: PURCHASE_COLUMNS } as const;
type Collection = keyof typeof COLLECTIONS;
const sourceOptions = z.object({ collection: z.enum(["users", "purchases"]) }).strict();
type SourceOptions = z.infer<typeof sourceOptions>;

const COLUMN_TYPES: Record<string, string> = {
  id: "integer",
  user_id: "integer",
  amount: "decimal",
  created_at: "timestamp",
  updated_at: "timestamp",
};

function columnsOf(collection: Collection): Column[] {
  return COLLECTIONS[collection].map((name) => ({
    name,
    type: COLUMN_TYPES[name] ?? "text",
    incremental: name === "id" || name.endsWith("_at"),
  }));
}

/** All rows of a collection in id order, lazily, so paging never builds the whole set. */
function* allRows(collection: Collection, customers: number): Generator<Row> {
  for (let u = 1; u <= customers; u++) {
    if (collection === "users") yield user(u);
    else yield* purchasesOf(u);
  }
}

/** The rows whose `column` holds one of `values`, straight from the formulas when the column allows it. */
function rowsWhere(collection: Collection, customers: number, column: string, values: string[]): Row[] {
  const userIds = (ids: (number | null)[]) => ids.filter((u): u is number => u !== null && Number.isInteger(u) && u >= 1 && u <= customers);
  if (collection === "users" && column === "id") return userIds(values.map(Number)).map(user);
  if (collection === "users" && column === "email") {
    return userIds(values.map((v) => Number(/^user(\d+)@example\.com$/.exec(v.toLowerCase())?.[1] ?? NaN))).map(user);
  }
  if (collection === "purchases" && column === "user_id") return userIds(values.map(Number)).flatMap(purchasesOf);
  const wanted = new Set(values);
  return [...allRows(collection, customers)].filter((row) => wanted.has(normalizeValue(row[column]) ?? ""));
}

function assertColumn(collection: Collection, column: string) {
  if (!(COLLECTIONS[collection] as readonly string[]).includes(column)) {
    throw new PluginError("not_found", `Column "${column}" does not exist in sample ${collection}; it has ${COLLECTIONS[collection].join(", ")}`);
  }
}

/**
 * Whether an incremental import from `after` reads a row. Rows at the mark itself are read again:
 * another row may share it, and re-reading is harmless.
 */
const atOrPast = (row: Row, { column, after }: { column: string; after: string | null }) =>
  after === null || compareValues(normalizeValue(row[column]) ?? "", after) >= 0;

const sampleTable = defineSourceType<AppOptions, SourceOptions>({
  type: "table",
  displayName: "Sample table",
  description: "Demo customers (users) or their purchases, the same rows every time.",
  options: [
    {
      key: "collection",
      label: "Collection",
      kind: "select",
      required: true,
      choices: [
        { value: "users", label: "users" },
        { value: "purchases", label: "purchases" },
      ],
    },
  ],
  optionsSchema: sourceOptions,
  keyedBy: "identity_column",
  async columns(_app, source) {
    return columnsOf(source.collection);
  },
  async preview(app, source, { limit }) {
    const rows: Row[] = [];
    for (const row of allRows(source.collection, app.customers)) {
      if (rows.length >= limit) break;
      rows.push(row);
    }
    return { columns: columnsOf(source.collection), rows };
  },
  async importRecords(app, source, request) {
    const { collection } = source;
    if (request.incremental) {
      const { column } = request.incremental;
      assertColumn(collection, column);
      const sorted = [...allRows(collection, app.customers)]
        .filter((row) => atOrPast(row, request.incremental!))
        .sort((a, b) => compareValues(normalizeValue(a[column])!, normalizeValue(b[column])!) || Number(a.id) - Number(b.id));
      const offset = request.cursor ? Number(request.cursor) : 0;
      const rows = sorted.slice(offset, offset + request.limit);
      const last = rows[rows.length - 1];
      return {
        rows,
        nextCursor: offset + rows.length < sorted.length ? String(offset + rows.length) : null,
        highWaterMark: last ? normalizeValue(last[column]) : null,
      };
    }
    const afterId = request.cursor ? Number(request.cursor) : 0;
    const rows: Row[] = [];
    let more = false;
    for (const row of allRows(collection, app.customers)) {
      if (Number(row.id) <= afterId) continue;
      if (rows.length === request.limit) {
        more = true;
        break;
      }
      rows.push(row);
    }
    return { rows, nextCursor: more ? String(rows[rows.length - 1]!.id) : null, highWaterMark: null };
  },
  async countRows(app, source, { incremental }) {
    const { collection } = source;
    if (incremental) {
      assertColumn(collection, incremental.column);
      // Some marks do not grow with the id (updated_at, purchases' created_at), so no formula gives the
      // count; testing each row as the import does keeps the two in agreement.
      let count = 0;
      for (const row of allRows(collection, app.customers)) if (atOrPast(row, incremental)) count++;
      return count;
    }
    // Purchase ids run from 1 without gaps, in customer order: there are one fewer than the id a next customer's first purchase would take.
    return collection === "users" ? app.customers : firstPurchaseId(app.customers + 1) - 1;
  },
  async recordProperties(app, source, request) {
    const { collection } = source;
    const { column, propertyKey } = request.identity;
    assertColumn(collection, column);
    for (const p of request.properties) assertColumn(collection, p.column);
    const keys = request.records.map((r) => r.values[propertyKey]).filter((v): v is string => v !== null && v !== undefined);
    const rows = rowsWhere(collection, app.customers, column, keys);
    return aggregateByRecord(
      request.records,
      rows,
      request.properties,
      (row) => normalizeValue(row[column])?.toLowerCase() ?? null,
      (record) => record.values[propertyKey]?.toLowerCase() ?? null,
    );
  },
});

const SAMPLE_ICON =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2"><ellipse cx="12" cy="5" rx="8" ry="3"/><path d="M4 5v14c0 1.7 3.6 3 8 3s8-1.3 8-3V5"/><path d="M4 12c0 1.7 3.6 3 8 3s8-1.3 8-3"/></svg>';

export const samplePlugin = definePlugin({
  name: "sample",
  displayName: "Sample data",
  icon: SAMPLE_ICON,
  apps: [
    defineAppType<AppOptions>({
      type: "sample",
      displayName: "Sample data",
      description: "Built-in demo customers and purchases, no outside system needed.",
      options: [{ key: "customers", label: "Customers", kind: "number", required: false, default: 1000, description: "How many demo customers (1 to 1,000,000)" }],
      optionsSchema: appOptions,
      async test(options) {
        return { ok: true, message: `Sample data with ${options.customers} customers is ready` };
      },
      sources: [sampleTable],
      destinations: [],
    }),
  ],
});
