import type { Session } from "./session";

export interface TypeName {
  /** How the type is shown, in PostgreSQL's short spelling (`int8`, `timestamptz`). */
  display: string;
  /** How to write it in SQL, e.g. in a cast. */
  sql: string;
}

/** Built-in types keep their OIDs across every PostgreSQL version, so most lookups need no query. */
const BUILTIN: Record<number, string> = {
  16: "bool",
  17: "bytea",
  20: "int8",
  21: "int2",
  23: "int4",
  26: "oid",
  114: "json",
  142: "xml",
  650: "cidr",
  700: "float4",
  701: "float8",
  790: "money",
  829: "macaddr",
  869: "inet",
  1042: "bpchar",
  1043: "varchar",
  1082: "date",
  1083: "time",
  1114: "timestamp",
  1184: "timestamptz",
  1186: "interval",
  1266: "timetz",
  1700: "numeric",
  2950: "uuid",
  3802: "jsonb",
  1000: "bool[]",
  1005: "int2[]",
  1007: "int4[]",
  1009: "text[]",
  1015: "varchar[]",
  1016: "int8[]",
  1021: "float4[]",
  1022: "float8[]",
  1182: "date[]",
  1115: "timestamp[]",
  1185: "timestamptz[]",
  1231: "numeric[]",
  2951: "uuid[]",
  3807: "jsonb[]",
};
const TEXT = 25;
const UNKNOWN = 705;

/** Anything else (enums, domains, extension types) is named by the server, schema-qualified where needed. */
const LOOKUP_SQL = `SELECT t.oid, t.typname, pg_catalog.format_type(t.oid, NULL) AS sql FROM pg_catalog.pg_type t WHERE t.oid = ANY($1::oid[])`;

export async function typeNames(session: Session, oids: readonly number[]): Promise<Map<number, TypeName>> {
  const names = new Map<number, TypeName>();
  const missing: number[] = [];
  for (const oid of new Set(oids)) {
    if (oid === TEXT || oid === UNKNOWN || oid === 0) names.set(oid, { display: "text", sql: "text" });
    else if (BUILTIN[oid]) names.set(oid, { display: BUILTIN[oid]!, sql: BUILTIN[oid]! });
    else missing.push(oid);
  }
  if (missing.length) {
    const { rows } = await session.query(LOOKUP_SQL, [`{${missing.join(",")}}`]);
    for (const row of rows as { oid: number; typname: string; sql: string }[]) {
      const display = row.typname.startsWith("_") ? `${row.typname.slice(1)}[]` : row.typname;
      names.set(Number(row.oid), { display, sql: row.sql });
    }
  }
  return names;
}
