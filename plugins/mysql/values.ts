import { normalizeValue, sumDecimal } from "../shared/aggregate";
import type { Param } from "./wire/params";
import { T, type ResultColumn } from "./wire/results";

/** What a column holds, as far as comparing, binding and paging care. */
export type ColumnKind = "integer" | "decimal" | "float" | "datetime" | "date" | "time" | "binary" | "text" | "other";

const KIND_OF_DATA_TYPE: Record<string, ColumnKind> = {
  tinyint: "integer",
  smallint: "integer",
  mediumint: "integer",
  int: "integer",
  integer: "integer",
  bigint: "integer",
  year: "integer",
  decimal: "decimal",
  numeric: "decimal",
  float: "float",
  double: "float",
  real: "float",
  datetime: "datetime",
  timestamp: "datetime",
  date: "date",
  time: "time",
  binary: "binary",
  varbinary: "binary",
  tinyblob: "binary",
  blob: "binary",
  mediumblob: "binary",
  longblob: "binary",
  char: "text",
  varchar: "text",
  tinytext: "text",
  text: "text",
  mediumtext: "text",
  longtext: "text",
  enum: "text",
  set: "text",
};

/** From information_schema's DATA_TYPE, e.g. `bigint` or `datetime`. */
export const kindOfDataType = (dataType: string): ColumnKind => KIND_OF_DATA_TYPE[dataType.toLowerCase()] ?? "other";

/** From a result column's protocol type, for query Sources, whose columns are not in the catalog. */
export function kindOfResult(column: ResultColumn): ColumnKind {
  switch (column.type) {
    case T.TINY:
    case T.SHORT:
    case T.INT24:
    case T.LONG:
    case T.LONGLONG:
    case T.YEAR:
      return "integer";
    case T.DECIMAL:
    case T.NEWDECIMAL:
      return "decimal";
    case T.FLOAT:
    case T.DOUBLE:
      return "float";
    case T.DATETIME:
    case T.TIMESTAMP:
      return "datetime";
    case T.DATE:
    case T.NEWDATE:
      return "date";
    case T.TIME:
      return "time";
    default:
      return "text";
  }
}

/**
 * Kinds whose values only grow as rows are added or changed, so they can carry a high-water mark.
 * TIME is left out: a time of day wraps around every midnight.
 */
export const isIncremental = (kind: ColumnKind) => kind === "integer" || kind === "decimal" || kind === "datetime" || kind === "date";

const INTEGER = /^[+-]?\d+$/;
const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i;

/** A date-time text (ISO-8601 or MySQL's own form) as MySQL's `YYYY-MM-DD HH:MM:SS.ffffff` in UTC; null when it is none. */
export function mysqlDateTime(text: string): string | null {
  const m = DATE_TIME.exec(text.trim());
  if (!m) return null;
  const [, y, mo, d, h = "00", mi = "00", s = "00", fraction = "", zone] = m;
  let ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
  if (Number.isNaN(ms)) return null;
  if (zone && zone.toUpperCase() !== "Z") {
    const sign = zone.startsWith("-") ? -1 : 1;
    const digits = zone.replace(/[+:-]/g, "");
    ms -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60_000;
  }
  const iso = new Date(ms).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}.${fraction.slice(0, 6).padEnd(6, "0")}`;
}

/** A value compared with a column: the SQL that stands for it and the value bound to that SQL's `?`. */
export interface BoundValue {
  sql: string;
  param: Param;
}

/**
 * Binds `text` for comparison with a column of `kind`, converted so the server compares in the
 * column's own terms (exact decimals, UTC date-times, whole numbers) and can use its index.
 * Undefined when the text cannot be a value of such a column, so it could never match.
 */
export function bindAs(kind: ColumnKind, text: string): BoundValue | undefined {
  const t = text.trim();
  switch (kind) {
    case "integer":
      return INTEGER.test(t) ? { sql: "?", param: BigInt(t) } : undefined;
    case "decimal":
      return NUMBER.test(t) ? { sql: "CAST(? AS DECIMAL(65,30))", param: t } : undefined;
    case "float":
      return NUMBER.test(t) ? { sql: "?", param: Number(t) } : undefined;
    case "datetime": {
      const value = mysqlDateTime(t);
      return value === null ? undefined : { sql: "CAST(? AS DATETIME(6))", param: value };
    }
    case "date":
      return /^\d{4}-\d{2}-\d{2}/.test(t) ? { sql: "CAST(? AS DATE)", param: t.slice(0, 10) } : undefined;
    case "binary":
      // Binary values are read as 0x-prefixed hex, so that is the form they come back in.
      return /^0x([0-9a-f]{2})*$/i.test(t) ? { sql: "UNHEX(?)", param: t.slice(2) } : undefined;
    default:
      return { sql: "?", param: text };
  }
}

/** Folds text the way a case- and accent-insensitive collation compares it. */
function foldFor(collation: string): (text: string) => string {
  const accents = !collation.includes("_as_");
  const padSpace = !collation.includes("_0900_") && !collation.includes("nopad");
  return (text) => {
    let folded = text.toLowerCase();
    if (accents) folded = folded.normalize("NFD").replace(/\p{M}/gu, "");
    return padSpace ? folded.trimEnd() : folded;
  };
}

/**
 * Canonical text of a value of a column, so a row the server matched is found again by the Record
 * it matched: `42` = `042`, `12.50` = `12.5`, and `A@x.com` = `a@x.com` under a `_ci` collation.
 */
export function matchKeyFor(kind: ColumnKind, collation: string | null): (value: unknown) => string | null {
  const fold = collation && /_ci$/.test(collation) ? foldFor(collation) : null;
  return (value) => {
    const text = normalizeValue(value);
    if (text === null) return null;
    switch (kind) {
      case "integer":
        return INTEGER.test(text.trim()) ? BigInt(text.trim()).toString() : null;
      case "decimal":
        return sumDecimal([text])?.sum ?? null;
      case "float":
        return NUMBER.test(text.trim()) ? String(Number(text)) : null;
      case "datetime":
        return mysqlDateTime(text);
      case "date":
        return text.slice(0, 10);
      case "binary":
        return text.toLowerCase();
      default:
        return fold ? fold(text) : text;
    }
  };
}
