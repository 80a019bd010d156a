import { PluginError } from "../contract";
import { quoteIdentifier, refusal } from "./catalog";
import type { Session } from "./session";
import { kindOfDataType, type ColumnKind } from "./values";
import { MysqlServerError } from "./wire/results";

/** A column of a table a Destination writes to, as information_schema describes it. */
export interface TargetColumn {
  name: string;
  /** The full declared type, e.g. `tinyint(1)` or `decimal(10,2)`. */
  columnType: string;
  kind: ColumnKind;
  collation: string | null;
  /** Holds JSON text: MySQL's JSON type, or MariaDB's, which is LONGTEXT checked by json_valid. */
  json: boolean;
  /** NOT NULL without a default or auto-increment: a row cannot leave it out. */
  required: boolean;
  /** Generated columns take no value from outside. */
  generated: boolean;
}

export interface TargetTable {
  /** As the catalog spells it. */
  name: string;
  /** `db`.`table`, quoted. */
  qualified: string;
  columns: TargetColumn[];
  /** The columns of each unique index that covers whole columns (a prefix index does not make a column unique). */
  uniqueKeys: string[][];
}

const COLUMNS_SQL = `SELECT c.TABLE_NAME AS table_name, t.TABLE_TYPE AS table_type, c.COLUMN_NAME AS name, c.DATA_TYPE AS data_type,
  c.COLUMN_TYPE AS column_type, c.COLLATION_NAME AS collation, c.IS_NULLABLE AS nullable, c.COLUMN_DEFAULT AS column_default, c.EXTRA AS extra
FROM information_schema.COLUMNS c JOIN information_schema.TABLES t ON t.TABLE_SCHEMA = c.TABLE_SCHEMA AND t.TABLE_NAME = c.TABLE_NAME
WHERE c.TABLE_SCHEMA = ? AND c.TABLE_NAME = ? ORDER BY c.ORDINAL_POSITION`;

const UNIQUE_KEYS_SQL = `SELECT INDEX_NAME AS index_name, COLUMN_NAME AS name, SUB_PART AS sub_part FROM information_schema.STATISTICS
WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? AND NON_UNIQUE = 0 ORDER BY INDEX_NAME, SEQ_IN_INDEX`;

const JSON_CHECKS_SQL = `SELECT cc.CHECK_CLAUSE AS clause FROM information_schema.TABLE_CONSTRAINTS tc
JOIN information_schema.CHECK_CONSTRAINTS cc ON cc.CONSTRAINT_SCHEMA = tc.CONSTRAINT_SCHEMA AND cc.CONSTRAINT_NAME = tc.CONSTRAINT_NAME
WHERE tc.TABLE_SCHEMA = ? AND tc.TABLE_NAME = ? AND tc.CONSTRAINT_TYPE = 'CHECK' AND cc.CHECK_CLAUSE LIKE 'json%'`;
const JSON_CHECK = /^json_valid\(`((?:[^`]|``)+)`\)$/i;
/** MySQL 5.7 has no CHECK_CONSTRAINTS table, and no checks to find there either. */
const UNKNOWN_CATALOG_TABLE = 1109;

/** Columns MariaDB declares JSON: its JSON type is LONGTEXT with a json_valid check named after the column. */
async function jsonCheckedColumns(session: Session, table: string): Promise<Set<string>> {
  try {
    const { rows } = await session.query(JSON_CHECKS_SQL, [session.database, table]);
    return new Set(rows.map((r) => JSON_CHECK.exec(String(r.clause))?.[1]?.replaceAll("``", "`")).filter((name): name is string => name !== undefined));
  } catch (err) {
    if (err instanceof MysqlServerError && err.errno === UNKNOWN_CATALOG_TABLE) return new Set();
    throw err;
  }
}

/** Plain tables, and MariaDB's system-versioned ones, which take writes the same way. */
const TABLE_TYPES = new Set(["BASE TABLE", "SYSTEM VERSIONED"]);

/** MySQL says `VIRTUAL GENERATED` or `STORED GENERATED`, MariaDB also `PERSISTENT GENERATED`; `DEFAULT_GENERATED` is only a default. */
const GENERATED = /\b(VIRTUAL|STORED|PERSISTENT) GENERATED\b/i;

export async function describeTarget(session: Session, table: string): Promise<TargetTable> {
  const { rows } = await session.query(COLUMNS_SQL, [session.database, table]);
  // The catalog may compare names without case; the exact spelling wins when both exist.
  const names = [...new Set(rows.map((r) => String(r.table_name)))];
  const name = names.includes(table) ? table : names.length === 1 ? names[0]! : null;
  const qualified = `${quoteIdentifier(session.database)}.${quoteIdentifier(name ?? table)}`;
  if (name === null) throw await refusal(session, `SELECT 1 FROM ${qualified} LIMIT 0`, `Table "${table}" is not in database "${session.database}"`);
  const own = rows.filter((r) => r.table_name === name);
  const type = String(own[0]!.table_type);
  if (!TABLE_TYPES.has(type)) throw new PluginError("invalid_options", `"${name}" is a ${type.toLowerCase()}; Records can only be written to a table`);
  const jsonChecked = await jsonCheckedColumns(session, name);
  const columns = own.map((r) => {
    const extra = String(r.extra ?? "");
    return {
      name: String(r.name),
      columnType: String(r.column_type),
      kind: kindOfDataType(String(r.data_type)),
      collation: r.collation === null ? null : String(r.collation),
      json: String(r.data_type).toLowerCase() === "json" || jsonChecked.has(String(r.name)),
      required: r.nullable === "NO" && r.column_default === null && !/auto_increment/i.test(extra) && !GENERATED.test(extra),
      generated: GENERATED.test(extra),
    };
  });
  const keys = new Map<string, { names: string[]; whole: boolean }>();
  for (const r of (await session.query(UNIQUE_KEYS_SQL, [session.database, name])).rows) {
    const key = keys.get(String(r.index_name)) ?? { names: [], whole: true };
    if (r.name === null || r.sub_part !== null) key.whole = false;
    else key.names.push(String(r.name));
    keys.set(String(r.index_name), key);
  }
  return { name, qualified, columns, uniqueKeys: [...keys.values()].filter((k) => k.whole).map((k) => k.names) };
}

/** Whether some unique index covers exactly these columns, in any order. */
export const hasUniqueKey = (table: TargetTable, columns: string[]) =>
  table.uniqueKeys.some((key) => key.length === columns.length && columns.every((c) => key.includes(c)));

/** BOOLEAN is tinyint(1) to MySQL and MariaDB; bit(1) is the other common way to hold one. */
export const isBooleanColumn = (column: TargetColumn) => /^(tinyint\(1\)|bit\(1\))/i.test(column.columnType);
