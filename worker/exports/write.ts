import type { ExportDecision } from "../destinations/decide";
import type { EventExportDecision } from "../destinations/forward-events";
import { derivedId } from "../ids";

/**
 * The statements that store a Record's Export decisions, for the batch that writes the Record. Each
 * Export's id comes from what it decides, so storing it again adds nothing. A newer decision cancels
 * the one still pending for the same Destination (one sending is left to finish); nothing is stored
 * when a decision newer than this one already was, when the Record's write has moved past
 * `writtenBelow`, or when the Destination has been deleted meanwhile.
 */
export async function exportStatements(d1: D1Database, tenantId: string, recordId: string, decisions: readonly ExportDecision[], writtenBelow: number, now: number) {
  return (await exportWrites(d1, tenantId, recordId, decisions, writtenBelow, now)).flatMap((w) => [w.supersede, w.insert]);
}

/** The same statements per decision, so a caller can tell from the insert's changes whether the Export is new. */
export async function exportWrites(d1: D1Database, tenantId: string, recordId: string, decisions: readonly ExportDecision[], writtenBelow: number, now: number) {
  const writes: { destinationId: string; supersede: D1PreparedStatement; insert: D1PreparedStatement }[] = [];
  for (const d of decisions) {
    const id = await derivedId("exp", d.destinationId, recordId, String(d.revision), String(d.seq), d.action, JSON.stringify(d.new));
    // ?1 tenant, ?2 Destination, ?3 Record, ?4 the decision's revision, ?5 the write guard, ?6 now, ?7 the Export's id.
    const current = `exists (select 1 from destinations where id = ?2 and tenant_id = ?1)
      and not exists (select 1 from exports where destination_id = ?2 and record_id = ?3 and revision > ?4)
      and (select revision from records where id = ?3 and tenant_id = ?1) < ?5`;
    const keys = [tenantId, d.destinationId, recordId, d.revision, writtenBelow, now, id];
    writes.push({
      destinationId: d.destinationId,
      supersede: d1
        .prepare(
          `update exports set state = 'canceled', reason = 'Superseded by a newer change', updated_at = ?6, finished_at = ?6
           where destination_id = ?2 and record_id = ?3 and state = 'pending' and kind = 'record' and id <> ?7 and ${current}`,
        )
        .bind(...keys),
      insert: d1
        .prepare(
          `insert into exports (id, tenant_id, destination_id, record_id, kind, state, old_payload, new_payload, to_delete, revision, attempts, next_attempt_at, created_at, updated_at)
           select ?7, ?1, ?2, ?3, 'record', 'pending', ?8, ?9, ?10, ?4, 0, ?6, ?6, ?6 where ${current}
           on conflict do nothing`,
        )
        .bind(...keys, d.old ? JSON.stringify(d.old) : null, JSON.stringify(d.new), d.action === "delete" ? 1 : 0),
    });
  }
  return writes;
}

/**
 * The statements that store a Record's event forwards, for the batch that writes the Record. Each
 * id comes from the event and the Destination, so a forward decided again (its write lost, its
 * message redelivered) lands on the same Export. Guarded like the Record's own writes: nothing is
 * stored once the Record has moved past `writtenBelow`, or when the Destination is gone.
 */
export async function eventExportStatements(d1: D1Database, tenantId: string, recordId: string, forwards: readonly EventExportDecision[], revision: number, now: number) {
  const statements: D1PreparedStatement[] = [];
  for (const f of forwards) {
    const id = await derivedId("exp", f.destinationId, f.event.id);
    statements.push(
      d1
        .prepare(
          `insert into exports (id, tenant_id, destination_id, record_id, kind, state, old_payload, new_payload, to_delete, event, revision, attempts, next_attempt_at, created_at, updated_at)
           select ?1, ?2, ?3, ?4, 'event', 'pending', null, ?5, 0, ?6, ?7, 0, ?8, ?8, ?8
           where exists (select 1 from destinations where id = ?3 and tenant_id = ?2)
             and (select revision from records where id = ?4 and tenant_id = ?2) < ?7
           on conflict do nothing`,
        )
        .bind(id, tenantId, f.destinationId, recordId, JSON.stringify(f.payload), JSON.stringify(f.event), revision, now),
    );
  }
  return statements;
}
