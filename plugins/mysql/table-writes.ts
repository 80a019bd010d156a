import { SendError } from "../contract";
import { quoteIdentifier as q } from "./catalog";
import { MAX_PARAMS_PER_STATEMENT } from "./session";
import type { TargetColumn, TargetTable } from "./target-table";
import type { Param } from "./wire/params";
import { writeParam } from "./write-values";

export interface Statement {
  sql: string;
  params: Param[];
}

type Row = Record<string, unknown>;

/** Splits rows so no statement binds more values than the protocol carries. */
function chunked<T>(list: T[], perItem: number): T[][] {
  const size = Math.max(1, Math.floor(MAX_PARAMS_PER_STATEMENT / perItem));
  const parts: T[][] = [];
  for (let start = 0; start < list.length; start += size) parts.push(list.slice(start, start + size));
  return parts;
}

const placeholders = (count: number) => `(${new Array<string>(count).fill("?").join(", ")})`;

/**
 * The statements that write Records into a table, every value bound to a `?` (converted for its
 * column's type) and every name quoted as the catalog spells it.
 */
export function tableWrites(table: TargetTable, keyColumn: string) {
  const columnOf = (name: string): TargetColumn => {
    const column = table.columns.find((c) => c.name === name);
    if (!column) throw new SendError(`Column "${name}" is no longer in ${table.qualified}; map the Destination's fields again`, true);
    return column;
  };
  const key = q(keyColumn);
  const keyParam = (value: unknown) => writeParam(value, columnOf(keyColumn));
  const valuesOf = (columns: string[], row: Row) => columns.map((c) => writeParam(row[c], columnOf(c)));
  const byKeys = (keys: unknown[], statement: (list: string) => string): Statement[] =>
    chunked(keys, 1).map((part) => ({ sql: statement(placeholders(part.length)), params: part.map(keyParam) }));

  return {
    upsert(columns: string[], rows: Row[]): Statement[] {
      const others = columns.filter((c) => c !== keyColumn);
      const onDuplicate = others.length ? others.map((c) => `${q(c)} = VALUES(${q(c)})`).join(", ") : `${key} = ${key}`;
      return chunked(rows, columns.length).map((part) => ({
        sql: `INSERT INTO ${table.qualified} (${columns.map(q).join(", ")}) VALUES ${part.map(() => placeholders(columns.length)).join(", ")} ON DUPLICATE KEY UPDATE ${onDuplicate}`,
        params: part.flatMap((row) => valuesOf(columns, row)),
      }));
    },
    /** Locks the rows that exist until the transaction ends, so what an update finds stays there. */
    existing: (keys: unknown[]) => byKeys(keys, (list) => `SELECT ${key} FROM ${table.qualified} WHERE ${key} IN ${list} FOR UPDATE`),
    /**
     * One CASE per column picks each row's value by its key. The key is compared with values only,
     * never with another table's column, so the column's own collation decides what matches, as
     * it did when the rows were found.
     */
    update(columns: string[], rows: Row[]): Statement[] {
      const others = columns.filter((c) => c !== keyColumn);
      if (!others.length) return [];
      return chunked(rows, others.length * 2 + 1).map((part) => {
        const cases = others.map((c) => `${q(c)} = CASE ${key}${" WHEN ? THEN ?".repeat(part.length)} END`);
        return {
          sql: `UPDATE ${table.qualified} SET ${cases.join(", ")} WHERE ${key} IN ${placeholders(part.length)}`,
          params: [...others.flatMap((c) => part.flatMap((row) => [keyParam(row[keyColumn]), writeParam(row[c], columnOf(c))])), ...part.map((row) => keyParam(row[keyColumn]))],
        };
      });
    },
    delete: (keys: unknown[]) => byKeys(keys, (list) => `DELETE FROM ${table.qualified} WHERE ${key} IN ${list}`),
    flag: (flagColumn: string, keys: unknown[]) => byKeys(keys, (list) => `UPDATE ${table.qualified} SET ${q(flagColumn)} = 1 WHERE ${key} IN ${list}`),
    keyParam,
  };
}

export function membershipWrites(database: string, membershipsTable: string, keyColumn: string, listColumn: string, keyParam: (value: unknown) => Param) {
  const target = `${q(database)}.${q(membershipsTable)}`;
  const [key, list] = [q(keyColumn), q(listColumn)];
  const paramsOf = (pairs: { key: unknown; list: string }[]) => pairs.flatMap((p) => [keyParam(p.key), p.list]);
  const pairList = (count: number) => new Array<string>(count).fill("(?, ?)").join(", ");
  return {
    add: (pairs: { key: unknown; list: string }[]): Statement[] =>
      chunked(pairs, 2).map((part) => ({ sql: `INSERT INTO ${target} (${key}, ${list}) VALUES ${pairList(part.length)} ON DUPLICATE KEY UPDATE ${list} = ${list}`, params: paramsOf(part) })),
    remove: (pairs: { key: unknown; list: string }[]): Statement[] =>
      chunked(pairs, 2).map((part) => ({ sql: `DELETE FROM ${target} WHERE (${key}, ${list}) IN (${pairList(part.length)})`, params: paramsOf(part) })),
  };
}
