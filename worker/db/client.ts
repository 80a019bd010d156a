import { drizzle } from "drizzle-orm/d1";
import * as schema from "./schema";

export const createDb = (d1: D1Database) => drizzle(d1, { schema });
export type Database = ReturnType<typeof createDb>;

/** D1 reports a broken unique index as an error whose message names the constraint. */
export function isUniqueViolation(err: unknown, column?: string): boolean {
  const text = String(err instanceof Error ? `${err.message} ${String(err.cause ?? "")}` : err);
  return text.includes("UNIQUE constraint failed") && (column === undefined || text.includes(column));
}

type BatchItem = Parameters<Database["batch"]>[0][number];

/** db.batch for a list built at run time (drizzle's signature wants a non-empty tuple). One transaction. */
export function runBatch(db: Database, items: BatchItem[]) {
  if (items.length === 0) return Promise.resolve([]);
  return db.batch(items as [BatchItem, ...BatchItem[]]);
}

/**
 * A drizzle query as a plain D1 statement, for batches that mix it with hand-written SQL
 * (drizzle's own batch takes only its builders).
 */
export function prepared(db: Database, query: { toSQL(): { sql: string; params: unknown[] } }): D1PreparedStatement {
  const { sql, params } = query.toSQL();
  return db.$client.prepare(sql).bind(...params);
}
