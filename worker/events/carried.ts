import type { ForwardedEvent } from "../destinations/types";

/**
 * The events a batch's Imports carry, by Import, oldest first: what a Record's hydration forwards
 * once it has settled. Events that arrived for an unknown person and were matched later are not
 * among them; they are history by then, not news.
 */
export async function eventsCarriedBy(d1: D1Database, tenantId: string, importIds: readonly string[]): Promise<Map<string, ForwardedEvent[]>> {
  const { results } = await d1
    .prepare(
      `select id, import_id, name, occurred_at, data from events indexed by events_import_idx
       where import_id in (select value from json_each(?1)) and tenant_id = ?2 order by occurred_at, id`,
    )
    .bind(JSON.stringify(importIds), tenantId)
    .all<{ id: string; import_id: string; name: string; occurred_at: number; data: string }>();
  const carried = new Map<string, ForwardedEvent[]>();
  for (const row of results) {
    const event = { id: row.id, name: row.name, occurredAt: new Date(row.occurred_at).toISOString(), data: JSON.parse(row.data) as Record<string, unknown> };
    carried.set(row.import_id, [...(carried.get(row.import_id) ?? []), event]);
  }
  return carried;
}
