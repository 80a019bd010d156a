import { PluginError, type Column } from "../contract";
import { quoteIdent } from "./identifiers";
import type { Session } from "./session";

/** Types whose order is total and stable, so a column of one can serve as a high-water mark. */
const MARK_TYPES = new Set(["smallint", "integer", "bigint", "numeric", "date", "timestamp without time zone", "timestamp with time zone"]);

export interface TableColumn extends Column {
  /** information_schema's `data_type`, e.g. `timestamp with time zone`. */
  dataType: string;
}

export interface TableInfo {
  /** pg_class.relkind: r table, p partitioned table, v view, f foreign table. */
  kind: string;
  columns: TableColumn[];
  /** Primary key columns in key order; empty when there is none (views never have one). */
  key: string[];
}

/*
 * The regclass cast makes PostgreSQL itself refuse a missing table or schema, in its own words.
 * The primary key comes from pg_index: information_schema hides constraints from a role that may
 * only SELECT, which is exactly the role a customer should give us.
 */
const TABLE_SQL = `SELECT r.kind, c.column_name AS name, c.data_type, c.udt_name, c.character_maximum_length AS length,
  c.numeric_precision AS precision, c.numeric_scale AS scale, k.position AS key_position
FROM (SELECT rel.oid, rel.relkind::text AS kind FROM pg_catalog.pg_class rel
      WHERE rel.oid = (pg_catalog.quote_ident($1::text) || '.' || pg_catalog.quote_ident($2::text))::regclass) r
LEFT JOIN information_schema.columns c ON c.table_schema = $1::name AND c.table_name = $2::name
LEFT JOIN LATERAL (
  SELECT pg_catalog.array_position(i.indkey::int2[], a.attnum) AS position
  FROM pg_catalog.pg_index i JOIN pg_catalog.pg_attribute a ON a.attrelid = i.indrelid AND a.attname = c.column_name::name
  WHERE i.indrelid = r.oid AND i.indisprimary
) k ON true
ORDER BY c.ordinal_position`;

interface TableRow {
  kind: string;
  name: string | null;
  data_type: string;
  udt_name: string;
  length: number | string | null;
  precision: number | string | null;
  scale: number | string | null;
  key_position: number | string | null;
}

function typeName(row: TableRow): string {
  const base = row.udt_name.startsWith("_") ? `${row.udt_name.slice(1)}[]` : row.udt_name;
  if (row.length !== null) return `${base}(${row.length})`;
  if (row.udt_name === "numeric" && row.precision !== null) return `numeric(${row.precision},${row.scale})`;
  return base;
}

export async function describeTable(session: Session, schema: string, table: string): Promise<TableInfo> {
  const { rows } = await session.query(TABLE_SQL, [schema, table]);
  const found = rows as unknown as TableRow[];
  const named = found.filter((r) => r.name !== null);
  if (!named.length) throw new PluginError("not_found", `${quoteIdent(schema)}.${quoteIdent(table)} is not a table or view this user can read`);
  return {
    kind: found[0]!.kind,
    columns: named.map((r) => ({ name: r.name!, type: typeName(r), dataType: r.data_type, incremental: MARK_TYPES.has(r.data_type) })),
    key: named
      .filter((r) => r.key_position !== null)
      .sort((a, b) => Number(a.key_position) - Number(b.key_position))
      .map((r) => r.name!),
  };
}

/** The columns a Source exposes: all of the table's, or the chosen subset in the chosen order. */
export function exposedColumns(info: TableInfo, schema: string, table: string, subset: string[] | undefined): TableColumn[] {
  if (!subset) return info.columns;
  return subset.map((name) => {
    const column = info.columns.find((c) => c.name === name);
    if (!column) {
      throw new PluginError("not_found", `column "${name}" does not exist in ${quoteIdent(schema)}.${quoteIdent(table)}; it has ${info.columns.map((c) => c.name).join(", ")}`);
    }
    return column;
  });
}

const TABLES_SQL = `SELECT t.table_name AS name, t.table_type AS type
FROM (SELECT pg_catalog.quote_ident($1::text)::regnamespace AS oid) n
LEFT JOIN information_schema.tables t ON t.table_schema = $1::name
ORDER BY t.table_name`;

/** Tables and views of a schema that this user may read; a missing schema is refused by the server. */
export async function listTables(session: Session, schema: string): Promise<{ value: string; label: string }[]> {
  const { rows } = await session.query(TABLES_SQL, [schema]);
  return (rows as { name: string | null; type: string }[])
    .filter((r) => r.name !== null)
    .map((r) => ({ value: r.name!, label: r.type === "VIEW" ? `${r.name} (view)` : r.name! }));
}
