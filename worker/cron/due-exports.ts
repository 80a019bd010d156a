import type { Env } from "../env";
import { SUPERSEDED_BY_NEWER } from "../exports/states";

/** How long an Export may show as sending before its consumer is presumed gone: far longer than a send may take. */
export const STALLED_SENDING_MS = 5 * 60_000;
const PER_TICK = 100;

/**
 * Puts Exports whose consumer stopped mid-send back to pending (the attempt stays counted), and
 * queues a send for every Destination with Exports due, retries whose wait is over included.
 */
export async function sendDueExports(env: Env, now: Date) {
  const at = now.getTime();
  const revived = await env.DB.prepare(
    `update exports set state = case when ${SUPERSEDED_BY_NEWER} then 'canceled' else 'pending' end,
       reason = case when ${SUPERSEDED_BY_NEWER} then 'Superseded by a newer change' else null end, updated_at = ?1
     where state = 'sending' and updated_at < ?2`,
  )
    .bind(at, at - STALLED_SENDING_MS)
    .run();
  const { results: due } = await env.DB.prepare(
    "select distinct tenant_id as tenantId, destination_id as destinationId from exports where state = 'pending' and next_attempt_at <= ? limit ?",
  )
    .bind(at, PER_TICK)
    .all<{ tenantId: string; destinationId: string }>();
  if (due.length) await env.EXPORTS.sendBatch(due.map((d) => ({ body: { kind: "send-exports" as const, ...d } })));
  return { revived: revived.meta.changes ?? 0, destinations: due.length };
}
