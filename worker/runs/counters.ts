import type { RunCounters } from "./states";

/**
 * One statement that adds to a Run's counters in place, so concurrent consumers and Record objects
 * can all count into the same Run without reading it first (and without losing each other's counts).
 */
export function incrementRunCounters(
  d1: D1Database,
  tenantId: string,
  runId: string,
  delta: Partial<RunCounters>,
  now = Date.now(),
): D1PreparedStatement | null {
  const entries = Object.entries(delta).filter(([, n]) => n);
  if (!entries.length) return null;
  const paths = entries.map(([key]) => `'$.${key}', coalesce(json_extract(counters, '$.${key}'), 0) + ?`).join(", ");
  return d1
    .prepare(`update runs set counters = json_set(counters, ${paths}), updated_at = ? where id = ? and tenant_id = ?`)
    .bind(...entries.map(([, n]) => n), now, runId, tenantId);
}
