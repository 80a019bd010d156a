import { z } from "zod";
import { type Column, defineSourceType, PluginError } from "../contract";
import { aggregateByRecord, columnsNeeded } from "../shared/aggregate";
import { quoteIdent } from "./identifiers";
import type { PostgresApp } from "./options";
import { distinctKeys, subquery } from "./query-template";
import { type ResultColumn, type Session, withSession } from "./session";
import { ValueList } from "./value-lists";
import { typeNames } from "./type-names";
import { QUERY_SOURCE_OPTIONS } from "../shared/sql-options";

export const queryOptionsSchema = z
  .object({ query: z.string().max(50_000).refine((q) => q.trim().length > 0, "is empty") })
  .strict();
export type QueryOptions = z.infer<typeof queryOptionsSchema>;

/** Aliases of the wrapping, unlikely enough not to shadow a name inside the user's SQL. */
const RESULT = `"__gf_q"`;
const VALUES = `"__gf_k"`;
const RECORD = "__gf_record";
const VALUE = (i: number) => `"__gf_p${i + 1}"`;
const MAX_PREVIEW = 1000;

const parameter = (i: number) => `$${i + 1}`;

async function resultColumns(session: Session, columns: ResultColumn[]): Promise<Column[]> {
  const names = await typeNames(session, columns.map((c) => c.type));
  return columns.map((c) => ({ name: c.name, type: names.get(c.type)?.display ?? String(c.type), incremental: false }));
}

export const querySource = defineSourceType<PostgresApp, QueryOptions>({
  type: "query",
  displayName: "SQL query",
  description: "A read-only query run for each Record, with {{ property_key }} placeholders bound as parameters.",
  options: QUERY_SOURCE_OPTIONS,
  optionsSchema: queryOptionsSchema,
  keyedBy: "placeholders",
  placeholders: (source) => distinctKeys(source.query),

  async columns(app, source, ctx) {
    const keys = distinctKeys(source.query);
    return withSession(app, ctx, async (s) => {
      const described = await s.describe(`SELECT * FROM ${subquery(source.query, keys, parameter)} AS ${RESULT}`, keys.length);
      return resultColumns(s, described.columns);
    });
  },

  async preview(app, source, request, ctx) {
    const keys = distinctKeys(source.query);
    const limit = Math.max(1, Math.min(MAX_PREVIEW, Math.floor(request.limit)));
    return withSession(app, ctx, async (s) => {
      const text = `SELECT * FROM ${subquery(source.query, keys, parameter)} AS ${RESULT} LIMIT ${limit}`;
      const result = await s.query(text, keys.map((k) => request.values?.[k] ?? null));
      return { columns: await resultColumns(s, result.columns), rows: result.rows };
    });
  },

  /*
   * The whole batch in one statement: the Records' values travel as arrays, unnested into one row
   * per Record, and the user's SQL runs once per row through LATERAL. Each array is typed as
   * PostgreSQL infers its placeholder where it stands (a bigint for `user_id = {{ user_id }}`),
   * learned by parsing, not running, the SQL first: text would not compare with a bigint column.
   */
  async recordProperties(app, source, request, ctx) {
    if (!request.records.length) return new Map();
    const keys = distinctKeys(source.query);
    const rows = await withSession(app, ctx, async (s) => {
      const described = await s.describe(`SELECT * FROM ${subquery(source.query, keys, parameter)} AS ${RESULT}`, keys.length);
      const available = new Set(described.columns.map((c) => c.name));
      const needed = columnsNeeded(null, request.properties);
      const missing = needed.filter((c) => !available.has(c));
      if (missing.length) {
        throw new PluginError("not_found", `The query returns no column ${missing.map((c) => `"${c}"`).join(", ")}; it returns ${[...available].join(", ")}`);
      }
      const types = await typeNames(s, described.parameterTypes);
      const arrays = ["$1::text[]", ...keys.map((_, i) => `$${i + 2}::${types.get(described.parameterTypes[i]!)?.sql ?? "text"}[]`)];
      const text = [
        `SELECT ${VALUES}.${RECORD}${needed.map((c) => `, ${RESULT}.${quoteIdent(c)}`).join("")}`,
        `FROM unnest(${arrays.join(", ")}) AS ${VALUES}(${[RECORD, ...keys.map((_, i) => VALUE(i))].join(", ")})`,
        `CROSS JOIN LATERAL ${subquery(source.query, keys, (i) => `${VALUES}.${VALUE(i)}`)} AS ${RESULT}`,
      ].join(" ");
      const params = [new ValueList(request.records.map((r) => r.recordId)), ...keys.map((k) => new ValueList(request.records.map((r) => r.values[k] ?? null)))];
      return (await s.query(text, params)).rows;
    });
    return aggregateByRecord(
      request.records,
      rows,
      request.properties,
      (row) => String(row[RECORD]),
      (record) => record.recordId,
    );
  },
});
