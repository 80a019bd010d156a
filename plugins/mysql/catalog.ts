import { PluginError, type Column } from "../contract";
import { toPluginError } from "./errors";
import type { Session } from "./session";
import { isIncremental, kindOfDataType, type ColumnKind } from "./values";

export interface CatalogColumn {
  name: string;
  /** The full declared type, e.g. `decimal(10,2)`. */
  columnType: string;
  kind: ColumnKind;
  collation: string | null;
}

export interface CatalogTable {
  name: string;
  columns: CatalogColumn[];
  /** Primary key columns in key order; empty for views and tables without one. */
  primaryKey: CatalogColumn[];
}

/** Identifiers go into SQL only quoted, with any backtick doubled, and only as the catalog spells them. */
export const quoteIdentifier = (name: string) => `\`${name.replaceAll("`", "``")}\``;
export const qualifiedTable = (session: Session, table: CatalogTable) => `${quoteIdentifier(session.database)}.${quoteIdentifier(table.name)}`;

export const toColumn = (c: CatalogColumn): Column => ({ name: c.name, type: c.columnType, incremental: isIncremental(c.kind) });

export async function listTables(session: Session): Promise<{ name: string; view: boolean }[]> {
  const { rows } = await session.query(
    "SELECT TABLE_NAME AS name, TABLE_TYPE AS kind FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME",
    [session.database],
  );
  return rows.map((r) => ({ name: String(r.name), view: String(r.kind) === "VIEW" }));
}

const DESCRIBE = `SELECT c.TABLE_NAME AS table_name, c.COLUMN_NAME AS name, c.COLUMN_TYPE AS column_type, c.DATA_TYPE AS data_type,
  c.COLLATION_NAME AS collation,
  (SELECT s.SEQ_IN_INDEX FROM information_schema.STATISTICS s WHERE s.TABLE_SCHEMA = c.TABLE_SCHEMA AND s.TABLE_NAME = c.TABLE_NAME
     AND s.COLUMN_NAME = c.COLUMN_NAME AND s.INDEX_NAME = 'PRIMARY') AS key_position
FROM information_schema.COLUMNS c WHERE c.TABLE_SCHEMA = ? AND c.TABLE_NAME = ? ORDER BY c.ORDINAL_POSITION`;

/**
 * Asks the server to read what the catalog did not list, so the person gets the server's own
 * reason: the catalog hides what the account may not see, and only the server says which it is.
 */
export async function refusal(session: Session, probe: string, fallback: string): Promise<PluginError> {
  try {
    await session.query(probe);
  } catch (err) {
    const refused = toPluginError(err);
    if (refused instanceof PluginError) return refused;
    throw refused;
  }
  return new PluginError("not_found", fallback);
}

/** The table's columns and primary key from information_schema, or the server's reason it cannot be read. */
export async function describeTable(session: Session, table: string): Promise<CatalogTable> {
  const { rows } = await session.query(DESCRIBE, [session.database, table]);
  // The catalog may compare names without case; the exact spelling wins when both exist.
  const names = [...new Set(rows.map((r) => String(r.table_name)))];
  const name = names.includes(table) ? table : names.length === 1 ? names[0]! : null;
  if (name === null) {
    throw await refusal(session, `SELECT 1 FROM ${quoteIdentifier(session.database)}.${quoteIdentifier(table)} LIMIT 0`, `Table "${table}" is not in database "${session.database}"`);
  }
  const columns: CatalogColumn[] = [];
  const keyPositions = new Map<CatalogColumn, number>();
  for (const r of rows.filter((row) => row.table_name === name)) {
    const column: CatalogColumn = {
      name: String(r.name),
      columnType: String(r.column_type),
      kind: kindOfDataType(String(r.data_type)),
      collation: r.collation === null ? null : String(r.collation),
    };
    columns.push(column);
    if (r.key_position !== null) keyPositions.set(column, Number(r.key_position));
  }
  const primaryKey = [...keyPositions.keys()].sort((a, b) => keyPositions.get(a)! - keyPositions.get(b)!);
  return { name, columns, primaryKey };
}

/** The columns a Source shows: the chosen subset in the chosen order, or all of them. */
export async function sourceColumns(session: Session, table: CatalogTable, subset: string[] | undefined): Promise<CatalogColumn[]> {
  if (!subset?.length) return table.columns;
  const chosen: CatalogColumn[] = [];
  for (const name of subset) {
    const column = await catalogColumn(session, table, table.columns, name);
    if (!chosen.includes(column)) chosen.push(column);
  }
  return chosen;
}

/** A column the Source shows, by its exact name; otherwise the server's reason or the list of what there is. */
export async function catalogColumn(session: Session, table: CatalogTable, shown: CatalogColumn[], name: string): Promise<CatalogColumn> {
  const column = shown.find((c) => c.name === name);
  if (column) return column;
  const list = shown.map((c) => c.name).join(", ");
  if (table.columns.some((c) => c.name === name)) throw new PluginError("not_found", `Column "${name}" is not one of this Source's columns (${list})`);
  throw await refusal(
    session,
    `SELECT ${quoteIdentifier(name)} FROM ${qualifiedTable(session, table)} LIMIT 0`,
    `Column "${name}" is not in table "${table.name}"; it has ${list}`,
  );
}
