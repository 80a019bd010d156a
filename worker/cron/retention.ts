import { and, eq, inArray, lt, notExists, notInArray, sql } from "drizzle-orm";
import { createDb, type Database } from "../db/client";
import { groupCounts, groupMembershipChanges, groups, imports, runs, tenants, type ImportState } from "../db/schema";
import { utcDay } from "./group-counts";
import type { Env } from "../env";
import { RUN_STATES, UNFINISHED } from "../runs/states";

export interface RetentionLimits {
  /** Rows one DELETE statement removes. */
  chunk: number;
  /** Rows removed per table per call, so one cron tick stays short; the next tick continues. */
  perTable: number;
}

const RETENTION_LIMITS: RetentionLimits = { chunk: 1000, perTable: 5000 };

const DAY_MS = 86_400_000;

// Derived rather than listed, so a Run state added later as unfinished is never deleted here.
const FINISHED_RUN_STATES = RUN_STATES.filter((s) => !UNFINISHED.includes(s));

/** Each workspace's own cutoff: the time before which its Imports and finished Runs are expired. */
const cutoffOf = (now: Date) => sql`${now.getTime()} - ${tenants.importRetentionDays} * ${DAY_MS}`;

/** Import states the pipeline has not finished with. */
const IN_PIPELINE: ImportState[] = ["pending", "associated"];

/**
 * The ids of up to `limit` expired Imports across all workspaces. Each Import is matched to its own
 * workspace by tenant_id, so it is held to that workspace's retention. SQLite keeps the left side of
 * a CROSS JOIN as the outer loop: workspace by workspace, one range of the (tenant_id, created_at)
 * index each, rather than a scan of every Import with a workspace lookup per row.
 */
const expiredImports = (db: Database, now: Date, limit: number) =>
  db
    .select({ id: imports.id })
    .from(tenants)
    .crossJoin(imports)
    .where(and(eq(imports.tenantId, tenants.id), lt(imports.createdAt, cutoffOf(now)), notInArray(imports.state, IN_PIPELINE)))
    .limit(limit);

/**
 * The ids of up to `limit` finished Runs whose end is older than their workspace's retention, read
 * workspace by workspace like Imports. A Run is created before it finishes, so the created_at
 * condition is implied; it lets the (tenant_id, created_at) index narrow the rows before
 * finished_at is checked. A Run whose Imports are still in the pipeline (a stopped or failed Run
 * can leave some) stays until they are done.
 */
const expiredRuns = (db: Database, now: Date, limit: number) =>
  db
    .select({ id: runs.id })
    .from(tenants)
    .crossJoin(runs)
    .where(
      and(
        eq(runs.tenantId, tenants.id),
        lt(runs.createdAt, cutoffOf(now)),
        lt(runs.finishedAt, cutoffOf(now)),
        inArray(runs.state, FINISHED_RUN_STATES),
        notExists(db.select({ id: imports.id }).from(imports).where(and(eq(imports.runId, runs.id), inArray(imports.state, IN_PIPELINE)))),
      ),
    )
    .limit(limit);

/** Deletes chunk by chunk until nothing is left or the per-table budget is spent; returns how many went. */
async function deleteInChunks(limits: RetentionLimits, deleteChunk: (limit: number) => Promise<D1Result>) {
  let deleted = 0;
  while (deleted < limits.perTable) {
    const limit = Math.min(limits.chunk, limits.perTable - deleted);
    const changes = (await deleteChunk(limit)).meta.changes;
    deleted += changes;
    if (changes < limit) break;
  }
  return deleted;
}

/**
 * Deletes, across all workspaces, processed or failed Imports older than each workspace's
 * `importRetentionDays` and finished Runs that ended before it, a bounded number per call.
 * Imports go first, so their Runs' deletion has fewer Imports left to unlink.
 */
export async function deleteExpiredImports(env: Env, now: Date, limits: RetentionLimits = RETENTION_LIMITS) {
  const db = createDb(env.DB);
  const deletedImports = await deleteInChunks(limits, (limit) => db.delete(imports).where(inArray(imports.id, expiredImports(db, now, limit))));
  const deletedRuns = await deleteInChunks(limits, (limit) => db.delete(runs).where(inArray(runs.id, expiredRuns(db, now, limit))));
  return { imports: deletedImports, runs: deletedRuns };
}

/**
 * How long Group membership history and daily counts are kept: a little over the year the counts
 * chart can show. A current member keeps its joined time on the membership itself.
 */
export const GROUP_HISTORY_DAYS = 400;

/**
 * Deletes membership changes and daily counts older than GROUP_HISTORY_DAYS, a bounded number per
 * call. Read Group by Group through the (group_id, at) and (group_id, day) indexes, never by a scan
 * of all history.
 */
export async function deleteExpiredGroupHistory(env: Env, now: Date, limits: RetentionLimits = RETENTION_LIMITS) {
  const db = createDb(env.DB);
  const cutoff = new Date(now.getTime() - GROUP_HISTORY_DAYS * DAY_MS);
  const expiredChanges = (limit: number) =>
    db
      .select({ id: groupMembershipChanges.id })
      .from(groups)
      .crossJoin(groupMembershipChanges)
      .where(and(eq(groupMembershipChanges.groupId, groups.id), lt(groupMembershipChanges.at, cutoff)))
      .limit(limit);
  const changes = await deleteInChunks(limits, (limit) => db.delete(groupMembershipChanges).where(inArray(groupMembershipChanges.id, expiredChanges(limit))));
  const counts = await deleteInChunks(limits, (limit) =>
    db.delete(groupCounts).where(
      inArray(
        sql`(${groupCounts.groupId}, ${groupCounts.day})`,
        db
          .select({ groupId: groupCounts.groupId, day: groupCounts.day })
          .from(groups)
          .crossJoin(groupCounts)
          .where(and(eq(groupCounts.groupId, groups.id), lt(groupCounts.day, utcDay(cutoff))))
          .limit(limit),
      ),
    ),
  );
  return { membershipChanges: changes, groupCounts: counts };
}

/**
 * Deletes events older than each workspace's `eventRetentionDays`, a bounded number per call, read
 * workspace by workspace through the (tenant_id, occurred_at) index.
 */
export async function deleteExpiredEvents(env: Env, now: Date, limits: RetentionLimits = RETENTION_LIMITS) {
  const deleted = await deleteInChunks(limits, (limit) =>
    env.DB.prepare(
      `delete from events where id in (
         select e.id from tenants t join events e on e.tenant_id = t.id and e.occurred_at < ?1 - t.event_retention_days * ?2
         limit ?3)`,
    )
      .bind(now.getTime(), DAY_MS, limit)
      .run(),
  );
  return { events: deleted };
}
