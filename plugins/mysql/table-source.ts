import { z } from "zod";
import { defineSourceType, PluginError, type ImportPage, type ImportRequest, type Row } from "../contract";
import { aggregateByRecord, columnsNeeded, normalizeValue } from "../shared/aggregate";
import { catalogColumn, describeTable, listTables, qualifiedTable, quoteIdentifier, sourceColumns, toColumn, type CatalogColumn } from "./catalog";
import { decodeCursor, encodeCursor, positionOf, rowsAfter, type KeyPart } from "./keyset";
import type { AppOptions } from "./options";
import { MAX_PARAMS_PER_STATEMENT, withSession, type Session } from "./session";
import { bindAs, isIncremental, matchKeyFor, type BoundValue } from "./values";
import type { Param } from "./wire/params";
import { TABLE_SOURCE_OPTIONS } from "../shared/sql-options";

const identifier = z.string().trim().min(1).max(64);
/** The UI sends a comma-separated list; programs may send an array. Both are stored as an array. */
const columnList = z
  .union([z.array(identifier).max(4096), z.string().max(300_000).transform((s) => s.split(",").map((c) => c.trim()).filter(Boolean))])
  .pipe(z.array(identifier).max(4096));

const optionsSchema = z.object({ table: identifier, columns: columnList.optional() }).strict();
type TableOptions = z.infer<typeof optionsSchema>;

async function openTable(session: Session, options: TableOptions) {
  const table = await describeTable(session, options.table);
  return { table, shown: await sourceColumns(session, table, options.columns) };
}

const selectList = (columns: CatalogColumn[]) => columns.map((c) => quoteIdentifier(c.name)).join(", ");

function bindOrRefuse(column: CatalogColumn, text: string, what: string): BoundValue {
  const bound = bindAs(column.kind, text);
  if (!bound) throw new PluginError("invalid_options", `${what} "${text}" is not a value of column "${column.name}" (${column.columnType})`);
  return bound;
}

/**
 * The rows an import reads, before any cursor: the table, the Source's columns, and for incremental
 * imports the mark and the conditions that keep rows at or past it. Paging and counting both start
 * here, so they refuse the same Sources and agree on which rows are in.
 */
async function importScope(session: Session, options: TableOptions, incremental: ImportRequest["incremental"]) {
  const { table, shown } = await openTable(session, options);
  if (!table.primaryKey.length) {
    throw new PluginError("invalid_options", `"${table.name}" has no primary key, so its rows cannot be paged reliably; import a table that has one`);
  }
  const mark = incremental ? await catalogColumn(session, table, shown, incremental.column) : undefined;
  if (mark && !isIncremental(mark.kind)) {
    throw new PluginError("invalid_options", `Column "${mark.name}" (${mark.columnType}) cannot hold a high-water mark; use a date, datetime, timestamp, integer or decimal column`);
  }
  const where: string[] = [];
  const params: Param[] = [];
  if (mark) {
    // Rows without a mark cannot be placed after any mark; full imports read them.
    where.push(`${quoteIdentifier(mark.name)} IS NOT NULL`);
    const after = incremental!.after;
    if (after !== null) {
      // At, not after, the mark: rows sharing it may have arrived since; reading one twice is harmless, missing one is not.
      const bound = bindOrRefuse(mark, after, "The high-water mark");
      where.push(`${quoteIdentifier(mark.name)} >= ${bound.sql}`);
      params.push(bound.param);
    }
  }
  return { table, shown, mark, where, params };
}

const whereClause = (where: string[]) => (where.length ? ` WHERE ${where.join(" AND ")}` : "");

/** Pages in key order (and mark order for incremental imports), each page starting strictly after the last row of the one before. */
async function importPage(session: Session, options: TableOptions, request: ImportRequest): Promise<ImportPage> {
  const { table, shown, mark, where, params } = await importScope(session, options, request.incremental);
  const order = mark ? [mark, ...table.primaryKey] : table.primaryKey;
  const selected = [...shown, ...order.filter((c) => !shown.includes(c))];
  if (request.cursor !== null) {
    const position = decodeCursor(request.cursor, table.primaryKey.length, Boolean(mark));
    const values = mark ? [position.mark!, ...position.key] : position.key;
    const parts: KeyPart[] = order.map((c, i) => ({ column: quoteIdentifier(c.name), value: bindOrRefuse(c, values[i]!, "The import cursor value") }));
    const after = rowsAfter(parts);
    where.push(after.sql);
    params.push(...after.params);
  }
  const limit = Math.max(1, request.limit);
  const sql =
    `SELECT ${selectList(selected)} FROM ${qualifiedTable(session, table)}${whereClause(where)}` +
    ` ORDER BY ${order.map((c) => quoteIdentifier(c.name)).join(", ")} LIMIT ?`;
  // One row more than asked says whether another page follows, without an empty last page.
  const { rows: fetched } = await session.query(sql, [...params, limit + 1]);
  const rows = fetched.slice(0, limit);
  const last = rows[rows.length - 1];
  const keyNames = table.primaryKey.map((c) => c.name);
  const nextCursor = fetched.length > limit && last ? encodeCursor(positionOf(last, keyNames, mark?.name)) : null;
  const highWaterMark = mark && last ? normalizeValue(last[mark.name]) : null;
  const helpers = selected.filter((c) => !shown.includes(c));
  for (const row of rows) for (const c of helpers) delete row[c.name];
  return { rows, nextCursor, highWaterMark };
}

/** The rows an import from the start reads: the whole table, or the rows at or past the mark. */
async function countImportRows(session: Session, options: TableOptions, incremental: ImportRequest["incremental"]): Promise<number> {
  const { table, where, params } = await importScope(session, options, incremental);
  const { rows } = await session.query(`SELECT COUNT(*) AS count FROM ${qualifiedTable(session, table)}${whereClause(where)}`, params);
  return Number(rows[0]!.count);
}

export const tableSource = defineSourceType<AppOptions, TableOptions>({
  type: "table",
  displayName: "Table or view",
  description: "Rows of one table or view in the database, matched to Records by a column.",
  options: TABLE_SOURCE_OPTIONS,
  optionsSchema,
  keyedBy: "identity_column",

  async optionChoices(app, source, optionKey, ctx) {
    return withSession(app, ctx, async (session) => {
      if (optionKey === "table") return (await listTables(session)).map((t) => ({ value: t.name, label: t.view ? `${t.name} (view)` : t.name }));
      if (optionKey !== "columns") throw new PluginError("invalid_options", `Option "${optionKey}" has no choices`);
      if (typeof source.table !== "string" || !source.table) throw new PluginError("invalid_options", "Choose a table first");
      const table = await describeTable(session, source.table);
      return table.columns.map((c) => ({ value: c.name, label: `${c.name} (${c.columnType})` }));
    });
  },

  async columns(app, source, ctx) {
    return withSession(app, ctx, async (session) => (await openTable(session, source)).shown.map(toColumn));
  },

  async preview(app, source, { limit }, ctx) {
    return withSession(app, ctx, async (session) => {
      const { table, shown } = await openTable(session, source);
      const order = table.primaryKey.length ? ` ORDER BY ${table.primaryKey.map((c) => quoteIdentifier(c.name)).join(", ")}` : "";
      const { rows } = await session.query(`SELECT ${selectList(shown)} FROM ${qualifiedTable(session, table)}${order} LIMIT ?`, [Math.max(1, limit)]);
      return { columns: shown.map(toColumn), rows };
    });
  },

  async importRecords(app, source, request, ctx) {
    return withSession(app, ctx, (session) => importPage(session, source, request));
  },

  async countRows(app, source, request, ctx) {
    return withSession(app, ctx, (session) => countImportRows(session, source, request.incremental));
  },

  async recordProperties(app, source, request, ctx) {
    return withSession(app, ctx, async (session) => {
      const { table, shown } = await openTable(session, source);
      const needed: CatalogColumn[] = [];
      for (const name of columnsNeeded(request.identity.column, request.properties)) needed.push(await catalogColumn(session, table, shown, name));
      const identity = needed[0]!;
      const keyOf = matchKeyFor(identity.kind, identity.collation);
      const recordKey = (values: Record<string, string | null>) => keyOf(values[request.identity.propertyKey] ?? null);

      // One bound value per distinct key; values that cannot be in this column cannot match and are not sent.
      const wanted = new Map<string, BoundValue>();
      for (const record of request.records) {
        const text = record.values[request.identity.propertyKey];
        const key = recordKey(record.values);
        const bound = text == null || key === null ? undefined : bindAs(identity.kind, text);
        if (key !== null && bound && !wanted.has(key)) wanted.set(key, bound);
      }
      const rows: Row[] = [];
      const values = [...wanted.values()];
      for (let start = 0; start < values.length; start += MAX_PARAMS_PER_STATEMENT) {
        const chunk = values.slice(start, start + MAX_PARAMS_PER_STATEMENT);
        const sql = `SELECT ${selectList(needed)} FROM ${qualifiedTable(session, table)} WHERE ${quoteIdentifier(identity.name)} IN (${chunk.map((v) => v.sql).join(", ")})`;
        rows.push(...(await session.query(sql, chunk.map((v) => v.param))).rows);
      }
      return aggregateByRecord(request.records, rows, request.properties, (row) => keyOf(row[identity.name]), (record) => recordKey(record.values));
    });
  },
});
