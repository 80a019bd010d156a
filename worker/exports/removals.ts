import { chunk } from "../db/chunk";
import type { Env } from "../env";
import { derivedId } from "../ids";
import { nudgeDestinations } from "./send";

/** Removals per statement: each carries a payload in the one bound JSON text. */
const REMOVALS_PER_STATEMENT = 100;

/** A delete Export to store for a Record that is gone, in one sync-mode Destination. */
export interface Removal {
  id: string;
  destinationId: string;
  recordId: string;
  /** The last payload the Destination holds (or, when nothing has arrived yet, the one on its way), as stored JSON. */
  payload: string;
  revision: number;
}

/**
 * What deleting these Records takes: a removal from each sync-mode Destination that holds one, or
 * has a change for it waiting or on its way (it may arrive before the removal is sent). The delete
 * carries the last payload held there, which the plugin finds the remote record by. Additive and
 * enrich Destinations keep what they were sent. A Record is removed once, from wherever and however
 * often that is asked, so the Export's id comes from the Destination and the Record alone.
 */
export async function planRemovals(d1: D1Database, tenantId: string, recordIds: readonly string[], destinationId: string | null = null): Promise<Removal[]> {
  if (!recordIds.length) return [];
  // Unary plus keeps SQLite off the workspace-wide indexes: the Records' own ids find every row here.
  const { results } = await d1
    .prepare(
      `select t.destination_id as destinationId, t.record_id as recordId,
         coalesce(
           (select h.payload from destination_records h where h.destination_id = t.destination_id and h.record_id = t.record_id),
           (select e.new_payload from exports e where e.record_id = t.record_id and +e.destination_id = t.destination_id and e.kind = 'record' and +e.state in ('pending', 'sending')
             order by e.revision desc, e.created_at desc limit 1)) as payload,
         1 + max(
           coalesce((select r.revision from records r where r.id = t.record_id and r.tenant_id = ?1), 0),
           coalesce((select max(e.revision) from exports e where e.record_id = t.record_id and +e.destination_id = t.destination_id), 0)) as revision
       from (
         select destination_id, record_id from destination_records where +tenant_id = ?1 and record_id in (select value from json_each(?2))
         union
         select destination_id, record_id from exports where +tenant_id = ?1 and record_id in (select value from json_each(?2)) and kind = 'record' and +state in ('pending', 'sending')
       ) t
       join destinations d on d.id = t.destination_id and +d.tenant_id = ?1 and d.sync_mode = 'sync'
       where ?3 is null or d.id = ?3`,
    )
    .bind(tenantId, JSON.stringify(recordIds), destinationId)
    .all<Omit<Removal, "id">>();
  return Promise.all(results.map(async (r) => ({ ...r, id: await derivedId("exp", r.destinationId, r.recordId, "removed") })));
}

/**
 * The statements storing removals, for the batch that deletes their Records and after its deletes:
 * each stores only removals of Records that are gone by then, and cancels what was still waiting for
 * them. Stored again, a removal adds nothing. The inserts are every second statement.
 */
export function removalStatements(d1: D1Database, tenantId: string, removals: readonly Removal[], now: number): D1PreparedStatement[] {
  const gone = (recordId: string) => `not exists (select 1 from records r where r.id = ${recordId} and r.tenant_id = ?1)`;
  return chunk(removals, REMOVALS_PER_STATEMENT).flatMap((part) => {
    // ?1 tenant, ?2 the removals as JSON, ?3 now.
    const keys = [tenantId, JSON.stringify(part), now];
    return [
      // Found through the one-pending index; the workspace condition is checked, not searched by.
      d1
        .prepare(
          `update exports set state = 'canceled', reason = 'Superseded: the Record was removed', updated_at = ?3, finished_at = ?3
           where +tenant_id = ?1 and state = 'pending' and kind = 'record'
             and (destination_id, record_id) in (select json_extract(value, '$.destinationId'), json_extract(value, '$.recordId') from json_each(?2))
             and id not in (select json_extract(value, '$.id') from json_each(?2))
             and ${gone("exports.record_id")}`,
        )
        .bind(...keys),
      d1
        .prepare(
          `insert into exports (id, tenant_id, destination_id, record_id, kind, state, old_payload, new_payload, to_delete, revision, attempts, next_attempt_at, created_at, updated_at)
           select json_extract(j.value, '$.id'), ?1, json_extract(j.value, '$.destinationId'), json_extract(j.value, '$.recordId'), 'record', 'pending',
             json_extract(j.value, '$.payload'), json_extract(j.value, '$.payload'), 1, json_extract(j.value, '$.revision'), 0, ?3, ?3, ?3
           from json_each(?2) j
           where ${gone("json_extract(j.value, '$.recordId')")}
             and exists (select 1 from destinations d where d.id = json_extract(j.value, '$.destinationId') and d.tenant_id = ?1)
           on conflict do nothing`,
        )
        .bind(...keys),
    ];
  });
}

/**
 * The safety net for Records deleted without their removals (or whose removal was lost): those of
 * `recordIds` that no longer exist are removed from the Destination, if it is in sync mode and holds
 * them. Says how many removals are new.
 */
export async function removeVanished(env: Env, tenantId: string, recordIds: readonly string[], destinationId: string): Promise<number> {
  const { results } = await env.DB.prepare("select value as id from json_each(?2) where not exists (select 1 from records r where r.id = value and r.tenant_id = ?1)")
    .bind(tenantId, JSON.stringify(recordIds))
    .all<{ id: string }>();
  const removals = await planRemovals(env.DB, tenantId, results.map((r) => r.id), destinationId);
  if (!removals.length) return 0;
  const stored = await env.DB.batch(removalStatements(env.DB, tenantId, removals, Date.now()));
  const created = stored.filter((_, i) => i % 2 === 1).reduce((n, r) => n + (r.meta.changes ?? 0), 0);
  if (created) await nudgeDestinations(env, tenantId, [destinationId]);
  return created;
}
