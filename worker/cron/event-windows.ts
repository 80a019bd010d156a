import { sql } from "drizzle-orm";
import type { PropertyFilter } from "../../plugins/contract";
import { chunk } from "../db/chunk";
import { createDb, runBatch } from "../db/client";
import { eventWindowChecks } from "../db/events-schema";
import { TenantScope } from "../db/tenant-scope";
import type { Env } from "../env";
import { lapsedEvents, type WindowCursor } from "../events/lapsed";
import { OCCURRED_AT, watchedWindow } from "../events/windows";
import { enqueueHydration, refreshImports } from "../services/imports";

export interface EventWindowLimits {
  /** Properties followed per call, those followed least recently first. */
  properties: number;
  /** Lapsed events read per call across those Properties; whatever is left waits for the next call. */
  events: number;
}

const EVENT_WINDOW_LIMITS: EventWindowLimits = { properties: 100, events: 500 };

// 5 columns per cursor row, and D1 binds at most 100 parameters per statement.
const CHECKS_PER_UPSERT = 20;

interface WatchedProperty {
  id: string;
  tenant_id: string;
  filters: string;
  source_filters: string;
  updated_at: number;
  window_ms: number | null;
  checked_at: number | null;
  after_event_id: string | null;
}

/**
 * Properties of events Sources whose filters, or their Source's, hold an `in_last` window over
 * occurred_at, with how far each has been followed, least recently followed first. Reached from the
 * events Sources (sources_type_idx) and each one's Properties through their Source index, never by
 * reading every Property of every workspace.
 */
async function watchedProperties(d1: D1Database, limit: number): Promise<WatchedProperty[]> {
  const windowIn = (filters: string) =>
    `exists (select 1 from json_each(${filters}) f where json_extract(f.value, '$.op') = 'in_last' and json_extract(f.value, '$.column') = ?1)`;
  const { results } = await d1
    .prepare(
      `select p.id, p.tenant_id, p.filters, s.filters as source_filters, p.updated_at, c.window_ms, c.checked_at, c.after_event_id
       from sources s indexed by sources_type_idx
         join apps a on a.id = s.app_id
         join properties p on p.source_id = s.id
         left join event_window_checks c on c.property_id = p.id
       where s.type = 'events' and a.plugin = 'events' and (${windowIn("p.filters")} or ${windowIn("s.filters")})
       order by coalesce(c.checked_at, 0), p.id
       limit ?2`,
    )
    .bind(OCCURRED_AT, limit)
    .all<WatchedProperty>();
  return results;
}

type Check = Omit<typeof eventWindowChecks.$inferInsert, "tenantId">;

/** Where to start following a Property: a Property not followed before starts from its definition's last change, as its values cannot be older. */
function cursorOf(p: WatchedProperty, windowMs: number, now: number): WindowCursor {
  if (p.checked_at === null) return { checkedAt: Math.min(p.updated_at, now), afterEventId: null };
  return { checkedAt: p.checked_at, afterEventId: p.window_ms === windowMs ? p.after_event_id : null };
}

/**
 * The every-minute part that keeps Properties counting events "in the last N" current as time
 * passes: for each such Property of an events Source, the Records with an event that has left its
 * window since the last check are read again through a refresh Import, hydrated like any other, so
 * their values, Groups and Exports follow. Bounded per call; a Property cut short continues from its
 * cursor at the next call.
 */
export async function refreshLapsedEventWindows(env: Env, now: Date, limits: EventWindowLimits = EVENT_WINDOW_LIMITS) {
  const db = createDb(env.DB);
  const at = now.getTime();
  const byTenant = new Map<string, { recordIds: Set<string>; checks: Check[] }>();
  let budget = limits.events;
  for (const p of await watchedProperties(env.DB, limits.properties)) {
    if (budget <= 0) break;
    const window = watchedWindow([...(JSON.parse(p.source_filters) as PropertyFilter[]), ...(JSON.parse(p.filters) as PropertyFilter[])]);
    if (!window) continue;
    const since = cursorOf(p, window.ms, at);
    const lapsed = await lapsedEvents(env.DB, p.tenant_id, window, since, at, budget);
    const last = lapsed.at(-1);
    const next = last && lapsed.length === budget ? { checkedAt: last.occurred_at + window.ms, afterEventId: last.id } : { checkedAt: Math.max(at, since.checkedAt), afterEventId: null };
    budget -= lapsed.length;
    const work = byTenant.get(p.tenant_id) ?? { recordIds: new Set<string>(), checks: [] };
    for (const event of lapsed) work.recordIds.add(event.record_id);
    work.checks.push({ propertyId: p.id, windowMs: window.ms, checkedAt: new Date(next.checkedAt), afterEventId: next.afterEventId });
    byTenant.set(p.tenant_id, work);
  }

  let properties = 0;
  let records = 0;
  for (const [tenantId, { recordIds, checks }] of byTenant) {
    const scope = new TenantScope(db, tenantId);
    const cursors = chunk(checks, CHECKS_PER_UPSERT).map((rows) =>
      scope.insert(eventWindowChecks, rows).onConflictDoUpdate({
        target: eventWindowChecks.propertyId,
        set: { windowMs: sql`excluded.window_ms`, checkedAt: sql`excluded.checked_at`, afterEventId: sql`excluded.after_event_id` },
      }),
    );
    const refreshes = refreshImports(scope, [...recordIds], now);
    // Cursors move in the batch that stores the refreshes: a call that fails stores neither, and the
    // next one repeats it. A lost enqueue is put back by the sweep, as for any API Import.
    await runBatch(db, [...refreshes.inserts, ...cursors]);
    if (refreshes.importIds.length) await enqueueHydration(env, tenantId, refreshes.importIds, "live");
    properties += checks.length;
    records += recordIds.size;
  }
  return { properties, records };
}
