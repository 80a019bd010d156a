import type { TenantScope } from "../db/tenant-scope";
import { EXPORT_STATES, TIMELINE_RANGES, type ExportState, type TimelineRange } from "../destinations/types";
import { findDestination } from "./destinations";

export type TimelineSlot = { start: Date } & Record<ExportState, number>;

/**
 * A Destination's Exports over a recent span: for each slot (an hour or a UTC day), how many were
 * made then, by the state each is in now. Slots end at the next whole hour or day, so the newest
 * one is the one now filling; empty slots are listed with zeros so the chart keeps its time scale.
 */
export async function exportTimeline(scope: TenantScope, destinationId: string, range: TimelineRange, now = Date.now()) {
  await findDestination(scope, destinationId);
  const { slotMs, slots } = TIMELINE_RANGES[range];
  const end = Math.ceil((now + 1) / slotMs) * slotMs;
  const from = end - slots * slotMs;
  const { results } = await scope.db.$client
    .prepare(
      // Numbers may be bound as reals, so the slot is truncated to its index explicitly.
      `select cast((created_at - ?3) / ?4 as integer) as slot, state, count(*) as n from exports
       where destination_id = ?1 and tenant_id = ?2 and created_at >= ?3 and created_at < ?5
       group by slot, state`,
    )
    .bind(destinationId, scope.tenantId, from, slotMs, end)
    .all<{ slot: number; state: ExportState; n: number }>();
  const timeline: TimelineSlot[] = Array.from({ length: slots }, (_, i) => ({
    start: new Date(from + i * slotMs),
    ...(Object.fromEntries(EXPORT_STATES.map((s) => [s, 0])) as Record<ExportState, number>),
  }));
  for (const r of results) timeline[r.slot]![r.state] = r.n;
  return { range, slotMs, slots: timeline };
}
