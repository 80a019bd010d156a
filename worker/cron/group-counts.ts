import type { Env } from "../env";

/** The UTC day a moment falls on, as stored in group_counts. */
export const utcDay = (at: Date) => at.toISOString().slice(0, 10);

/**
 * Stores every Group's member count for today, replacing the value an earlier minute stored: the
 * last write of a day is its closing count. One statement for every workspace, as counts are kept
 * on the Groups themselves.
 */
export async function recordGroupCounts(env: Env, now: Date) {
  const result = await env.DB.prepare(
    `insert into group_counts (tenant_id, group_id, day, members) select tenant_id, id, ?, member_count from groups where true
     on conflict (group_id, day) do update set members = excluded.members`,
  )
    .bind(utcDay(now))
    .run();
  return { groups: result.meta.changes ?? 0 };
}
