import type postgres from "postgres";

/**
 * Many values bound as one array parameter (`= ANY($1)`, `unnest($1::int8[])`). The server infers
 * the array's type from where the parameter stands; the driver then serializes the list with the
 * matching type below, and a value that type cannot hold goes as NULL. NULL matches nothing, so
 * one Record with, say, `abc` for a bigint key reads no rows instead of failing its whole batch.
 */
export class ValueList {
  constructor(readonly values: readonly (string | null)[]) {}

  /** Array types without a check below travel as they are, for PostgreSQL to parse. */
  toString(): string {
    return arrayLiteral(this.values);
  }
}

/** Every element quoted, so commas, braces and spaces inside values stay values. */
function arrayLiteral(values: readonly (string | null)[]): string {
  return `{${values.map((v) => (v === null ? "NULL" : `"${v.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`)).join(",")}}`;
}

const INTEGER = /^\s*[+-]?\d+\s*$/;
const NUMBER = /^\s*[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?\s*$/;
const BOOLEAN = /^\s*(t|f|true|false|y|n|yes|no|on|off|1|0)\s*$/i;
const UUID = /^\s*\{?[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}\}?\s*$/i;
const DATE_TIME = /^\s*(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?\s*(?:Z|[+-]\d{2}(?::?\d{2})?)?)?\s*$/i;

const integerOf = (bits: number) => {
  const limit = 2n ** BigInt(bits - 1);
  return (v: string) => INTEGER.test(v) && BigInt(v.trim()) >= -limit && BigInt(v.trim()) < limit;
};

function isDateTime(v: string): boolean {
  const m = DATE_TIME.exec(v);
  if (!m) return false;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map((part) => Number(part ?? 0)) as number[];
  // The Gregorian calendar repeats every 400 years, which sidesteps Date's two-digit-year rules.
  const daysInMonth = new Date(Date.UTC(2000 + (year! % 400), month!, 0)).getUTCDate();
  return year! >= 1 && month! >= 1 && month! <= 12 && day! >= 1 && day! <= daysInMonth && hour! <= 23 && minute! <= 59 && second! <= 59;
}

const noNul = (v: string) => !v.includes("\0");

/** Element checks by array type OID; built-in OIDs are the same on every PostgreSQL. */
const CHECKS: Record<number, (v: string) => boolean> = {
  1005: integerOf(16),
  1007: integerOf(32),
  1016: integerOf(64),
  1231: (v) => NUMBER.test(v),
  1021: (v) => NUMBER.test(v),
  1022: (v) => NUMBER.test(v),
  1000: (v) => BOOLEAN.test(v),
  2951: (v) => UUID.test(v),
  1182: isDateTime,
  1115: isDateTime,
  1185: isDateTime,
  1009: noNul,
  1015: noNul,
  1014: noNul,
  1003: noNul,
};

export const valueListTypes: Record<string, postgres.PostgresType> = Object.fromEntries(
  Object.entries(CHECKS).map(([oid, accepts]) => [
    `list_${oid}`,
    {
      to: Number(oid),
      from: [],
      serialize: (x: unknown) => (x instanceof ValueList ? arrayLiteral(x.values.map((v) => (v !== null && accepts(v) ? v : null))) : String(x)),
      parse: (x: string) => x,
    },
  ]),
);
