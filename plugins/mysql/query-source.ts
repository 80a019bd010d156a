import { z } from "zod";
import { defineSourceType, PluginError, placeholderKeys, type Column, type Row } from "../contract";
import { aggregateByRecord, columnsNeeded } from "../shared/aggregate";
import type { AppOptions } from "./options";
import { compileQuery, type CompiledQuery } from "./query-template";
import { MAX_PARAMS_PER_STATEMENT, withSession } from "./session";
import { isIncremental, kindOfResult } from "./values";
import { utf8Bytes } from "./wire/bytes";
import type { Param } from "./wire/params";
import { typeName, type ResultColumn } from "./wire/results";
import { QUERY_SOURCE_OPTIONS } from "../shared/sql-options";

/** Statement text per round trip; MySQL 5.7's default max_allowed_packet is 4 MiB. */
export const MAX_STATEMENT_BYTES = 2 * 1024 * 1024;
/** The column that says which Record a row of a batched read belongs to. */
const RECORD_COLUMN = "__gf_record";

const optionsSchema = z
  .object({
    query: z
      .string()
      .max(100_000)
      .superRefine((query, ctx) => {
        try {
          compileQuery(query);
        } catch (err) {
          if (!(err instanceof PluginError)) throw err;
          ctx.addIssue({ code: "custom", message: err.message });
        }
      }),
  })
  .strict();
type QueryOptions = z.infer<typeof optionsSchema>;

/** The user's query as a derived table; the newlines keep a trailing `-- comment` from swallowing the wrapper. */
const derived = (compiled: CompiledQuery) => `(\n${compiled.sql}\n) q`;

const toColumn = (c: ResultColumn): Column => ({ name: c.name, type: typeName(c), incremental: isIncremental(kindOfResult(c)) });

function assertColumns(columns: ResultColumn[], names: string[]) {
  const have = new Set(columns.map((c) => c.name));
  const missing = names.filter((n) => !have.has(n));
  if (missing.length) {
    const list = columns.filter((c) => c.name !== RECORD_COLUMN).map((c) => c.name).join(", ");
    throw new PluginError("not_found", `The query's result has no column ${missing.map((m) => `"${m}"`).join(", ")}; it has ${list}`);
  }
}

export const querySource = defineSourceType<AppOptions, QueryOptions>({
  type: "query",
  displayName: "SQL query",
  description: "A SELECT run for each Record, with {{ property_key }} placeholders bound to that Record's values.",
  options: QUERY_SOURCE_OPTIONS,
  optionsSchema,
  keyedBy: "placeholders",

  placeholders(source) {
    return [...new Set(placeholderKeys(source.query))];
  },

  async columns(app, source, ctx) {
    const compiled = compileQuery(source.query);
    return withSession(app, ctx, async (session) => {
      const { columns } = await session.query(`SELECT q.* FROM ${derived(compiled)} LIMIT 0`, compiled.keys.map(() => null));
      return columns.map(toColumn);
    });
  },

  async preview(app, source, { limit, values }, ctx) {
    const compiled = compileQuery(source.query);
    const params: Param[] = compiled.keys.map((k) => values?.[k] ?? null);
    return withSession(app, ctx, async (session) => {
      const { columns, rows } = await session.query(`SELECT q.* FROM ${derived(compiled)} LIMIT ?`, [...params, Math.max(1, limit)]);
      return { columns: columns.map(toColumn), rows };
    });
  },

  /**
   * Every Record's rows in one statement: the query once per distinct set of placeholder values,
   * tagged with that set's number and glued with UNION ALL (MariaDB has no LATERAL join).
   */
  async recordProperties(app, source, request, ctx) {
    const compiled = compileQuery(source.query);
    const setOf = (values: Record<string, string | null>) => compiled.keys.map((k) => values[k] ?? null);
    const sets = new Map<string, { tag: number; values: (string | null)[] }>();
    for (const record of request.records) {
      const values = setOf(record.values);
      const id = JSON.stringify(values);
      if (!sets.has(id)) sets.set(id, { tag: sets.size, values });
    }
    const tagOf = (values: Record<string, string | null>) => String(sets.get(JSON.stringify(setOf(values)))!.tag);

    const branch = `SELECT ? AS ${RECORD_COLUMN}, q.* FROM ${derived(compiled)}`;
    const separator = "\nUNION ALL\n";
    const perStatement = Math.max(
      1,
      Math.min(Math.floor(MAX_PARAMS_PER_STATEMENT / (compiled.keys.length + 1)), Math.floor(MAX_STATEMENT_BYTES / (utf8Bytes(branch).length + separator.length))),
    );
    const all = [...sets.values()];
    const needed = columnsNeeded(null, request.properties);
    return withSession(app, ctx, async (session) => {
      const rows: Row[] = [];
      for (let start = 0; start < all.length; start += perStatement) {
        const chunk = all.slice(start, start + perStatement);
        const result = await session.query(
          chunk.map(() => branch).join(separator),
          chunk.flatMap((set) => [set.tag, ...set.values]),
        );
        assertColumns(result.columns, needed);
        rows.push(...result.rows);
      }
      return aggregateByRecord(request.records, rows, request.properties, (row) => String(row[RECORD_COLUMN]), (record) => tagOf(record.values));
    });
  },
});
