import { and, desc, eq, lt } from "drizzle-orm";
import type { SQLiteColumn } from "drizzle-orm/sqlite-core";
import { auditLog, imports, recordChanges, type AuditEntry, type Import, type RecordChange } from "../db/schema";
import { events, type EventRow } from "../db/events-schema";
import type { TenantScope } from "../db/tenant-scope";

const TIMELINE_LENGTH = 100;

const importEntry = (i: Import) => ({
  kind: "import" as const,
  id: i.id,
  via: i.via,
  sourceId: i.sourceId,
  runId: i.runId,
  state: i.state,
  error: i.error,
  data: i.data,
  at: i.createdAt,
});

const changeEntry = (c: RecordChange) => ({
  kind: "change" as const,
  id: c.id,
  changes: c.changes,
  importIds: c.importIds,
  runId: c.runId,
  at: c.createdAt,
});

const auditTimelineEntry = (a: AuditEntry) => ({
  kind: "audit" as const,
  id: a.id,
  action: a.action,
  actorType: a.actorType,
  actorId: a.actorId,
  before: a.before,
  after: a.after,
  at: a.createdAt,
});

const eventEntry = (e: EventRow) => ({
  kind: "event" as const,
  id: e.id,
  name: e.name,
  data: e.data,
  appliedKeys: e.appliedKeys,
  at: e.occurredAt,
});

export type TimelineEntry = ReturnType<typeof importEntry> | ReturnType<typeof changeEntry> | ReturnType<typeof auditTimelineEntry> | ReturnType<typeof eventEntry>;

// Within one millisecond an event happens before the Import carrying it arrives, an Import before the change it causes, and an audited action on the Record comes last.
const SAME_TIME_ORDER: Record<TimelineEntry["kind"], number> = { audit: 0, change: 1, import: 2, event: 3 };

/**
 * What happened to a Record, newest first: what its customer did (events), the Imports that arrived
 * for it, what they changed, and audit entries about it (such as merges). Each source is read newest first up to the page length,
 * so the merged page is complete; the next page starts before the last entry's time.
 */
export async function recordTimeline(scope: TenantScope, recordId: string, before?: Date): Promise<TimelineEntry[]> {
  const older = (column: SQLiteColumn) => (before ? lt(column, before) : undefined);
  const [importRows, changeRows, auditRows, eventRows] = await Promise.all([
    scope.select(imports, and(eq(imports.recordId, recordId), older(imports.createdAt))).orderBy(desc(imports.createdAt)).limit(TIMELINE_LENGTH),
    scope
      .select(recordChanges, and(eq(recordChanges.recordId, recordId), older(recordChanges.createdAt)))
      .orderBy(desc(recordChanges.createdAt))
      .limit(TIMELINE_LENGTH),
    scope
      .select(auditLog, and(eq(auditLog.targetType, "record"), eq(auditLog.targetId, recordId), older(auditLog.createdAt)))
      .orderBy(desc(auditLog.createdAt))
      .limit(TIMELINE_LENGTH),
    scope.select(events, and(eq(events.recordId, recordId), older(events.occurredAt))).orderBy(desc(events.occurredAt)).limit(TIMELINE_LENGTH),
  ]);
  const entries: TimelineEntry[] = [...importRows.map(importEntry), ...changeRows.map(changeEntry), ...auditRows.map(auditTimelineEntry), ...eventRows.map(eventEntry)];
  return entries.sort((a, b) => b.at.getTime() - a.at.getTime() || SAME_TIME_ORDER[a.kind] - SAME_TIME_ORDER[b.kind]).slice(0, TIMELINE_LENGTH);
}
