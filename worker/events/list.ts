import { and, desc, eq, gte, lt, type SQL } from "drizzle-orm";
import { events, type EventRow } from "../db/events-schema";
import { afterPageCursor, encodePageCursor } from "../db/page-cursor";
import type { TenantScope } from "../db/tenant-scope";
import { notFound } from "../errors";

export interface EventFilter {
  name?: string;
  recordId?: string;
  /** Occurred at or after, and before. */
  since?: Date;
  until?: Date;
  limit: number;
  cursor?: string;
}

export const publicEvent = (e: EventRow) => ({
  id: e.id,
  name: e.name,
  occurredAt: e.occurredAt,
  receivedAt: e.receivedAt,
  identity: e.identity,
  data: e.data,
  /** Data keys that were Properties and changed the Record; the others are the event's own. */
  appliedKeys: e.appliedKeys,
  /** Null until hydration has found (or made) the Record the identity names. */
  recordId: e.recordId,
  importId: e.importId,
});

/** The keyset a page of events is ordered by: newest occurrence first. */
const position = { createdAt: events.occurredAt, id: events.id };

/** A page of events, newest occurrence first, filtered. */
export async function listEvents(scope: TenantScope, filter: EventFilter) {
  const conditions: SQL[] = [
    ...(filter.name ? [eq(events.name, filter.name)] : []),
    ...(filter.recordId ? [eq(events.recordId, filter.recordId)] : []),
    ...(filter.since ? [gte(events.occurredAt, filter.since)] : []),
    ...(filter.until ? [lt(events.occurredAt, filter.until)] : []),
    ...(filter.cursor ? [afterPageCursor(filter.cursor, position)] : []),
  ];
  const rows = await scope
    .select(events, conditions.length ? and(...conditions) : undefined)
    .orderBy(desc(events.occurredAt), desc(events.id))
    .limit(filter.limit + 1);
  const page = rows.slice(0, filter.limit);
  const last = page.at(-1);
  return { events: page.map(publicEvent), nextCursor: rows.length > filter.limit && last ? encodePageCursor({ createdAt: last.occurredAt, id: last.id }) : null };
}

export async function findEvent(scope: TenantScope, eventId: string) {
  const found = await scope.findOne(events, eq(events.id, eventId));
  if (!found) throw notFound("Event");
  return found;
}
