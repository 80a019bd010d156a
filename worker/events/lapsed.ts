import type { WatchedWindow } from "./windows";

/** Where following a window stopped: see eventWindowChecks. */
export interface WindowCursor {
  checkedAt: number;
  afterEventId: string | null;
}

export interface LapsedEvent {
  id: string;
  record_id: string;
  occurred_at: number;
}

/**
 * A workspace's matched events that left the window between the cursor and `now`, oldest first:
 * those that occurred in (checkedAt − window, now − window]. Read through the (tenant, occurred-at)
 * index, so a minute's step reads only the minute of events that just aged out. An event at the
 * range's very start counts only past `afterEventId`, which an earlier page cut short at.
 */
export async function lapsedEvents(d1: D1Database, tenantId: string, window: WatchedWindow, since: WindowCursor, now: number, limit: number): Promise<LapsedEvent[]> {
  const byName = window.names ? "and name in (select value from json_each(?6))" : "";
  const { results } = await d1
    .prepare(
      `select id, record_id, occurred_at from events indexed by events_tenant_occurred_idx
       where tenant_id = ?1 and occurred_at >= ?2 and occurred_at <= ?3 and (occurred_at > ?2 or id > ?4)
         and record_id is not null ${byName}
       order by occurred_at, id limit ?5`,
    )
    .bind(tenantId, since.checkedAt - window.ms, now - window.ms, since.afterEventId, limit, ...(window.names ? [JSON.stringify(window.names)] : []))
    .all<LapsedEvent>();
  return results;
}
