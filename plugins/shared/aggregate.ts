import type { PropertyFilter, PropertyRead, RecordPropertiesResult, RecordRef, Row } from "../contract";
import { inWindow } from "./time-window";

/**
 * Filters and aggregations for every Source, applied to the rows a plugin fetched for a batch of
 * Records. Doing this once, here, gives every plugin the same semantics (see
 * docs/decisions/003-reading-sources.md).
 */

/** Values as comparable text: dates to ISO-8601, numbers and booleans to their canonical text. */
export function normalizeValue(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (typeof value === "bigint") return value.toString();
  if (value instanceof Uint8Array) return null;
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

const NUMERIC = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
const isNumeric = (v: string) => NUMERIC.test(v.trim());

/** Orders normalized values: numerically when both are numbers, else as text (ISO dates sort as text). */
export function compareValues(a: string, b: string): number {
  if (isNumeric(a) && isNumeric(b)) return Number(a) - Number(b);
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Whether a row passes every filter (filters on columns the row lacks see a missing value).
 * Relative filters (`in_last`) reach back from `now`.
 */
export const rowMatches = (row: Row, filters: PropertyFilter[], now = Date.now()) => filters.every((f) => matchesFilter(row, f, now));

function matchesFilter(row: Row, filter: PropertyFilter, now: number): boolean {
  if (filter.op === "in_last") return inWindow(row[filter.column], filter.value, now);
  const value = normalizeValue(row[filter.column]);
  switch (filter.op) {
    case "exists":
      return value !== null && value !== "";
    case "not_exists":
      return value === null || value === "";
  }
  if (value === null) return false;
  if (filter.op === "in") return (filter.value as (string | number)[]).some((v) => compareValues(value, String(v)) === 0);
  const target = String(filter.value);
  switch (filter.op) {
    case "eq":
      return compareValues(value, target) === 0;
    case "ne":
      return compareValues(value, target) !== 0;
    case "gt":
      return compareValues(value, target) > 0;
    case "gte":
      return compareValues(value, target) >= 0;
    case "lt":
      return compareValues(value, target) < 0;
    case "lte":
      return compareValues(value, target) <= 0;
    case "contains":
      return value.toLowerCase().includes(target.toLowerCase());
    case "not_contains":
      return !value.toLowerCase().includes(target.toLowerCase());
  }
}

/** Exact decimal arithmetic on numeric text, so a sum of prices is not off by a float's rounding. */
function toScaled(text: string): { units: bigint; scale: number } | null {
  const t = text.trim();
  if (!isNumeric(t)) return null;
  if (/[eE]/.test(t)) return toScaled(Number(t).toFixed(12).replace(/\.?0+$/, ""));
  const negative = t.startsWith("-");
  const [whole = "0", fraction = ""] = t.replace(/^[+-]/, "").split(".");
  const units = BigInt((whole || "0") + fraction);
  return { units: negative ? -units : units, scale: fraction.length };
}

function formatScaled(units: bigint, scale: number): string {
  const negative = units < 0n;
  const digits = (negative ? -units : units).toString().padStart(scale + 1, "0");
  const whole = digits.slice(0, digits.length - scale);
  const fraction = scale ? digits.slice(-scale).replace(/0+$/, "") : "";
  return `${negative ? "-" : ""}${whole}${fraction ? `.${fraction}` : ""}`;
}

export function sumDecimal(values: string[]): { sum: string; count: number } | null {
  const parsed = values.map(toScaled).filter((v): v is { units: bigint; scale: number } => v !== null);
  if (!parsed.length) return null;
  const scale = Math.max(...parsed.map((p) => p.scale));
  const total = parsed.reduce((acc, p) => acc + p.units * 10n ** BigInt(scale - p.scale), 0n);
  return { sum: formatScaled(total, scale), count: parsed.length };
}

function averageDecimal(values: string[]): string | null {
  const total = sumDecimal(values);
  if (!total) return null;
  return String(Math.round((Number(total.sum) / total.count) * 1e6) / 1e6);
}

function extreme(values: string[], direction: 1 | -1): string | null {
  let best: string | null = null;
  for (const v of values) if (best === null || compareValues(v, best) * direction > 0) best = v;
  return best;
}

/** The values of one Property for one Record, from that Record's rows, as of `now`. */
export function aggregate(rows: Row[], property: PropertyRead, now = Date.now()): unknown[] {
  const matching = rows.filter((row) => rowMatches(row, property.filters, now));
  const values = matching.map((row) => normalizeValue(row[property.column])).filter((v): v is string => v !== null);
  const one = (v: string | null) => (v === null ? [] : [v]);
  switch (property.aggregation) {
    case "exact":
      return property.array ? values : values.slice(0, 1);
    case "count":
      return [String(values.length)];
    case "sum":
      return one(sumDecimal(values)?.sum ?? null);
    case "average":
      return one(averageDecimal(values));
    case "min":
      return one(extreme(values, -1));
    case "max":
      return one(extreme(values, 1));
    case "most_recent":
    case "least_recent": {
      const sort = property.sortColumn!;
      const ordered = matching
        .map((row) => ({ value: normalizeValue(row[property.column]), at: normalizeValue(row[sort]) }))
        .filter((r): r is { value: string; at: string } => r.value !== null && r.at !== null)
        .sort((a, b) => compareValues(a.at, b.at) * (property.aggregation === "most_recent" ? -1 : 1));
      return ordered.slice(0, property.array ? undefined : 1).map((r) => r.value);
    }
  }
}

/**
 * Groups fetched rows by the Record they belong to and aggregates every Property. `keyOf` says
 * which Record a row belongs to; every requested Record appears in the result, empty if no row did.
 */
export function aggregateByRecord(
  records: RecordRef[],
  rows: Row[],
  properties: PropertyRead[],
  keyOf: (row: Row) => string | null,
  recordKey: (record: RecordRef) => string | null,
): RecordPropertiesResult {
  const rowsByKey = new Map<string, Row[]>();
  for (const row of rows) {
    const key = keyOf(row);
    if (key === null) continue;
    let bucket = rowsByKey.get(key);
    if (!bucket) rowsByKey.set(key, (bucket = []));
    bucket.push(row);
  }
  const result: RecordPropertiesResult = new Map();
  // One instant for the whole batch, so Records read together are judged by the same window.
  const now = Date.now();
  for (const record of records) {
    const key = recordKey(record);
    const recordRows = key === null ? [] : (rowsByKey.get(key) ?? []);
    const values: Record<string, unknown[]> = {};
    for (const property of properties) values[property.key] = aggregate(recordRows, property, now);
    result.set(record.recordId, values);
  }
  return result;
}

/** The distinct columns a batch read needs, so plugins select only those. */
export function columnsNeeded(identityColumn: string | null, properties: PropertyRead[]): string[] {
  const columns = new Set<string>(identityColumn ? [identityColumn] : []);
  for (const p of properties) {
    columns.add(p.column);
    if (p.sortColumn) columns.add(p.sortColumn);
    for (const f of p.filters) columns.add(f.column);
  }
  return [...columns];
}
