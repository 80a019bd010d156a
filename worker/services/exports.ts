import { and, desc, eq, gte, inArray, lt, type SQL } from "drizzle-orm";
import type { Actor } from "../context";
import { destinationRecords, exports, type ExportRow } from "../db/destinations-schema";
import { afterPageCursor, encodePageCursor } from "../db/page-cursor";
import type { TenantScope } from "../db/tenant-scope";
import type { ExportState } from "../destinations/types";
import type { Env } from "../env";
import { notFound } from "../errors";
import { nudgeDestinations } from "../exports/send";
import { auditEntry } from "./audit-log";
import { findDestination } from "./destinations";

export interface ExportFilter {
  destinationId?: string;
  recordId?: string;
  state?: ExportState;
  /** Created at or after, and before (epoch ms). */
  since?: Date;
  until?: Date;
  limit: number;
  cursor?: string;
}

export const publicExport = (e: ExportRow) => ({
  id: e.id,
  destinationId: e.destinationId,
  recordId: e.recordId,
  kind: e.kind,
  /** For an event forward: the event; `newValues` then holds the Record's fields sent with it. */
  event: e.event,
  state: e.state,
  toDelete: e.toDelete,
  oldValues: e.oldPayload,
  newValues: e.newPayload,
  attempts: e.attempts,
  nextAttemptAt: e.state === "pending" ? e.nextAttemptAt : null,
  response: e.response,
  error: e.error,
  reason: e.reason,
  createdAt: e.createdAt,
  updatedAt: e.updatedAt,
  finishedAt: e.finishedAt,
  retriedAt: e.retriedAt,
});

const filterConditions = (f: Omit<ExportFilter, "limit" | "cursor">): SQL[] => [
  ...(f.destinationId ? [eq(exports.destinationId, f.destinationId)] : []),
  ...(f.recordId ? [eq(exports.recordId, f.recordId)] : []),
  ...(f.state ? [eq(exports.state, f.state)] : []),
  ...(f.since ? [gte(exports.createdAt, f.since)] : []),
  ...(f.until ? [lt(exports.createdAt, f.until)] : []),
];

/** A page of Exports, newest first, filtered. */
export async function listExports(scope: TenantScope, filter: ExportFilter) {
  const conditions = filterConditions(filter);
  if (filter.cursor) conditions.push(afterPageCursor(filter.cursor, exports));
  const rows = await scope
    .select(exports, conditions.length ? and(...conditions) : undefined)
    .orderBy(desc(exports.createdAt), desc(exports.id))
    .limit(filter.limit + 1);
  const page = rows.slice(0, filter.limit);
  return { exports: page.map(publicExport), nextCursor: rows.length > filter.limit ? encodePageCursor(page[page.length - 1]!) : null };
}

export async function findExport(scope: TenantScope, exportId: string) {
  const found = await scope.findOne(exports, eq(exports.id, exportId));
  if (!found) throw notFound("Export");
  return found;
}

/** Failed Exports retried at once per request; a bigger backlog is retried by asking again. */
export const MAX_RETRIED = 1_000;

/**
 * Gives failed Exports of a Destination another round of attempts, now: one, or every one matching
 * a filter. A Record Export whose Record has a newer change waiting is left failed, as that change
 * sends the whole payload anyway; a forwarded event is news of its own and is always sent again. Returns how many were retried.
 */
export async function retryFailedExports(scope: TenantScope, env: Env, actor: Actor, requestId: string, destinationId: string, filter: { exportId?: string; recordId?: string }) {
  await findDestination(scope, destinationId);
  const conditions = [eq(exports.destinationId, destinationId), eq(exports.state, "failed"), ...(filter.exportId ? [eq(exports.id, filter.exportId)] : []), ...(filter.recordId ? [eq(exports.recordId, filter.recordId)] : [])];
  const candidates = await scope.select(exports, and(...conditions)).orderBy(desc(exports.createdAt)).limit(MAX_RETRIED);
  if (filter.exportId && !candidates.length) {
    const exists = await scope.findOne(exports, and(eq(exports.id, filter.exportId), eq(exports.destinationId, destinationId))!);
    if (!exists) throw notFound("Export");
  }
  const d1 = scope.db.$client;
  const now = Date.now();
  const ids = candidates.map((c) => c.id);
  const audit = auditEntry(scope, actor, requestId, { action: "exports.retry", targetType: "destination", targetId: destinationId, after: { exports: ids.length, exportIds: ids.slice(0, 100) } }).toSQL();
  const [moved] = await d1.batch([
    d1
      .prepare(
        `update exports set state = 'pending', attempts = 0, next_attempt_at = ?1, error = null, reason = null, finished_at = null, updated_at = ?1, retried_at = ?1
         where id in (select value from json_each(?2)) and tenant_id = ?3 and state = 'failed'
           and (kind = 'event' or not exists (select 1 from exports n where n.destination_id = exports.destination_id and n.record_id = exports.record_id and n.kind = 'record' and n.state in ('pending', 'sending')))`,
      )
      .bind(now, JSON.stringify(ids), scope.tenantId),
    d1.prepare(audit.sql).bind(...audit.params),
  ]);
  const retried = moved!.meta.changes ?? 0;
  if (retried) await nudgeDestinations(env, scope.tenantId, [destinationId]);
  return { retried, leftFailed: ids.length - retried };
}

/** What a Destination holds now, as last sent successfully: a page of its Records' payloads. */
export async function destinationHoldings(scope: TenantScope, destinationId: string, opts: { limit: number; recordIds?: string[] }) {
  await findDestination(scope, destinationId);
  const rows = await scope
    .select(destinationRecords, and(eq(destinationRecords.destinationId, destinationId), ...(opts.recordIds ? [inArray(destinationRecords.recordId, opts.recordIds)] : [])))
    .orderBy(desc(destinationRecords.sentAt))
    .limit(opts.limit);
  return rows.map((r) => ({ recordId: r.recordId, payload: r.payload, remoteId: r.remoteId, sentAt: r.sentAt }));
}
