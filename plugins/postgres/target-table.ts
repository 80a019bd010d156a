import { PluginError } from "../contract";
import { qualified } from "./identifiers";
import type { Session } from "./session";

/** A column of a table a Destination writes to, as the catalog describes it. */
export interface TargetColumn {
  name: string;
  /** As PostgreSQL spells it, e.g. `numeric(10,2)` or `text[]`. */
  type: string;
  /** pg_type.typname, e.g. `timestamptz` or `jsonb`. */
  typeName: string;
  /** pg_type.typcategory: N numeric, B boolean, D date/time, S string, A array, U user-defined (json…). */
  category: string;
  notNull: boolean;
  /** A default or an identity fills the column when a row leaves it out. */
  hasDefault: boolean;
  /** Generated columns and GENERATED ALWAYS identities take no value from outside. */
  generated: boolean;
}

export interface TargetTable {
  columns: TargetColumn[];
  /** The columns of each unique index an upsert could find rows by: not partial, no expressions, not deferred. */
  uniqueKeys: string[][];
}

/*
 * pg_catalog rather than information_schema: the latter hides what the role has no privilege on,
 * and leaves out indexes altogether. The regclass cast makes a missing table the server's refusal.
 */
const COLUMNS_SQL = `SELECT c.relkind::text AS kind, a.attname AS name, pg_catalog.format_type(a.atttypid, a.atttypmod) AS type,
  t.typname AS type_name, t.typcategory::text AS category, a.attnotnull AS not_null, a.atthasdef AS has_default,
  a.attidentity::text AS identity, a.attgenerated::text AS generated
FROM pg_catalog.pg_class c
LEFT JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
LEFT JOIN pg_catalog.pg_type t ON t.oid = a.atttypid
WHERE c.oid = (pg_catalog.quote_ident($1::text) || '.' || pg_catalog.quote_ident($2::text))::regclass
ORDER BY a.attnum`;

const UNIQUE_KEYS_SQL = `SELECT i.indexrelid::text AS index, k.position, a.attname AS name
FROM pg_catalog.pg_index i
CROSS JOIN LATERAL pg_catalog.unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, position)
JOIN pg_catalog.pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
WHERE i.indrelid = (pg_catalog.quote_ident($1::text) || '.' || pg_catalog.quote_ident($2::text))::regclass
  AND i.indisunique AND i.indimmediate AND i.indisvalid AND i.indpred IS NULL AND i.indexprs IS NULL AND k.position <= i.indnkeyatts
ORDER BY 1, 2`;

interface ColumnRow {
  kind: string;
  name: string | null;
  type: string;
  type_name: string;
  category: string;
  not_null: boolean;
  has_default: boolean;
  identity: string;
  generated: string;
}

/** Plain and partitioned tables: the only relations an upsert can be sure to land in. */
const TABLE_KINDS = new Set(["r", "p"]);

export async function describeTarget(session: Session, schema: string, table: string): Promise<TargetTable> {
  const found = (await session.query(COLUMNS_SQL, [schema, table])).rows as unknown as ColumnRow[];
  if (!TABLE_KINDS.has(found[0]!.kind)) throw new PluginError("invalid_options", `${qualified(schema, table)} is not a table; Records can only be written to a table`);
  const columns = found
    .filter((r) => r.name !== null)
    .map((r) => ({
      name: r.name!,
      type: r.type,
      typeName: r.type_name,
      category: r.category,
      notNull: r.not_null,
      hasDefault: r.has_default || r.identity !== "",
      generated: r.generated !== "" || r.identity === "a",
    }));
  const keys = new Map<string, string[]>();
  for (const r of (await session.query(UNIQUE_KEYS_SQL, [schema, table])).rows as { index: string; name: string }[]) {
    keys.set(r.index, [...(keys.get(r.index) ?? []), r.name]);
  }
  return { columns, uniqueKeys: [...keys.values()] };
}

/** Whether some unique index covers exactly these columns, in any order. */
export const hasUniqueKey = (table: TargetTable, columns: string[]) =>
  table.uniqueKeys.some((key) => key.length === columns.length && columns.every((c) => key.includes(c)));
