import { PluginError } from "../contract";
import { normalizeValue } from "../shared/aggregate";
import type { BoundValue } from "./values";
import type { Param } from "./wire/params";

/** Where an import page ended: the last row's mark (incremental imports) and primary key, as text. */
export interface Position {
  mark?: string;
  key: string[];
}

export function encodeCursor(position: Position): string {
  return btoa(JSON.stringify(position)).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

export function decodeCursor(cursor: string, keyLength: number, incremental: boolean): Position {
  let position: unknown;
  try {
    position = JSON.parse(atob(cursor.replaceAll("-", "+").replaceAll("_", "/")));
  } catch {
    position = null;
  }
  const p = position as Position | null;
  const valid =
    p !== null &&
    typeof p === "object" &&
    Array.isArray(p.key) &&
    p.key.length === keyLength &&
    p.key.every((k) => typeof k === "string") &&
    (incremental ? typeof p.mark === "string" : p.mark === undefined);
  if (!valid) throw new PluginError("invalid_options", "The import cursor does not belong to this Source's current table; start the import again");
  return p;
}

export function positionOf(row: Record<string, unknown>, key: string[], mark?: string): Position {
  const text = (column: string) => normalizeValue(row[column]) ?? "";
  return mark === undefined ? { key: key.map(text) } : { mark: text(mark), key: key.map(text) };
}

export interface KeyPart {
  /** The quoted column. */
  column: string;
  value: BoundValue;
}

/**
 * Rows strictly after `(c1, c2, ...) = (v1, v2, ...)` in that order, as
 * `c1 >= v1 AND (c1 > v1 OR (c1 = v1 AND (c2 > v2 OR ...)))`: the leading `>=` lets every MySQL and
 * MariaDB version range-scan the index, which row-value comparisons do not always do.
 */
export function rowsAfter(parts: KeyPart[]): { sql: string; params: Param[] } {
  const params: Param[] = [];
  const use = (part: KeyPart) => {
    params.push(part.value.param);
    return part.value.sql;
  };
  const [first] = parts;
  const prefix = `${first!.column} >= ${use(first!)}`;
  const after = (i: number): string => {
    const part = parts[i]!;
    if (i === parts.length - 1) return `${part.column} > ${use(part)}`;
    const greater = `${part.column} > ${use(part)}`;
    const equal = `${part.column} = ${use(part)}`;
    return `(${greater} OR (${equal} AND ${after(i + 1)}))`;
  };
  return { sql: `${prefix} AND ${after(0)}`, params };
}
