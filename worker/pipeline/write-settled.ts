import { chunk } from "../db/chunk";
import { newId } from "../ids";
import { incrementRunCounters } from "../runs/counters";
import type { RunCounters } from "../runs/states";
import type { SettledRecord } from "./record-state";

/** Record Property rows per insert: 12 values each, under D1's 100 bound parameters with the guard's 2. */
const SLOTS_PER_INSERT = 7;
/** Statements per D1 batch: big enough to write a hundred Records at once, small enough for one transaction to stay short. */
const STATEMENTS_PER_BATCH = 400;

/** True while the Record has not yet been written at this revision (and still exists). */
const UNWRITTEN = "(select revision from records where id = ? and tenant_id = ?) < ?";

/**
 * The D1 statements that store one settled Record. Every one is guarded by the revision, and the
 * last one moves the Record to it: a second delivery of the same result, or an older result arriving
 * late, writes nothing. A Record merged away meanwhile has no row, so nothing is written for it either.
 */
function statementsFor(d1: D1Database, tenantId: string, r: SettledRecord, now: number): D1PreparedStatement[] {
  const { recordId } = r.work;
  const guard = [recordId, tenantId, r.revision];
  const statements: D1PreparedStatement[] = [];
  const propertyId = new Map(r.work.properties.map((p) => [p.key, p.id]));
  for (const [key, slots] of Object.entries(r.changedSlots)) {
    statements.push(
      d1.prepare(`delete from record_properties where tenant_id = ? and record_id = ? and property_id = ? and ${UNWRITTEN}`).bind(tenantId, recordId, propertyId.get(key)!, ...guard),
    );
    for (const part of chunk(slots, SLOTS_PER_INSERT)) {
      const rows = part.map(() => "(?, ?, ?, ?, ?, ?, ?, ?, 'ready', ?, ?, ?)").join(", ");
      statements.push(
        d1
          .prepare(
            `insert into record_properties (id, tenant_id, record_id, property_id, position, value, invalid_value, invalid_reason, state, value_changed_at, confirmed_at, updated_at)
             select * from (values ${rows}) where ${UNWRITTEN}`,
          )
          .bind(...part.flatMap((s) => [newId("rpv"), tenantId, recordId, propertyId.get(key)!, s.position, s.value, s.invalidValue, s.invalidReason, s.changedAt, now, now]), ...guard),
      );
    }
  }
  const confirmed = r.work.properties.filter((p) => r.work.values[p.key] && !r.changedSlots[p.key]).map((p) => p.id);
  for (const ids of chunk(confirmed, 80)) {
    statements.push(
      d1
        .prepare(`update record_properties set state = 'ready', confirmed_at = ?, updated_at = ? where tenant_id = ? and record_id = ? and property_id in (${ids.map(() => "?").join(", ")}) and ${UNWRITTEN}`)
        .bind(now, now, tenantId, recordId, ...ids, ...guard),
    );
  }
  if (r.changes.length) {
    statements.push(
      d1
        .prepare(`insert into record_changes (id, tenant_id, record_id, import_ids, run_id, changes, created_at) select ?, ?, ?, ?, ?, ?, ? where ${UNWRITTEN}`)
        .bind(newId("chg"), tenantId, recordId, JSON.stringify(r.work.importIds), r.work.runIds[0] ?? null, JSON.stringify(r.changes), now, ...guard),
    );
  }
  for (const runId of r.work.runIds) statements.push(countInto(d1, tenantId, runId, r, guard, now));
  statements.push(
    d1
      .prepare(`update records set revision = ?, updated_at = case when ? then ? else updated_at end where id = ? and tenant_id = ? and revision < ?`)
      .bind(r.revision, r.changes.length ? 1 : 0, now, recordId, tenantId, r.revision),
  );
  return statements;
}

function countInto(d1: D1Database, tenantId: string, runId: string, r: SettledRecord, guard: unknown[], now: number) {
  const delta: Partial<RunCounters> = {
    recordsCreated: r.outcome === "created" ? 1 : 0,
    recordsUpdated: r.outcome === "updated" ? 1 : 0,
    recordsUnchanged: r.outcome === "unchanged" ? 1 : 0,
    invalidValues: r.invalid,
  };
  return incrementRunCounters(d1, tenantId, runId, delta, now, { sql: UNWRITTEN, values: guard })!;
}

/**
 * Writes many settled Records and marks their Imports processed, a few hundred statements per D1
 * batch, keeping each Record's statements in one batch so its revision guard covers them together.
 */
export async function writeSettled(d1: D1Database, tenantId: string, settled: SettledRecord[], now = Date.now()) {
  const groups: D1PreparedStatement[][] = [[]];
  for (const r of settled) {
    const statements = statementsFor(d1, tenantId, r, now);
    const importIds = r.work.importIds;
    for (const ids of chunk(importIds, 90)) {
      statements.push(
        d1
          .prepare(`update imports set state = 'processed', error = null, processed_at = ? where tenant_id = ? and id in (${ids.map(() => "?").join(", ")})`)
          .bind(now, tenantId, ...ids),
      );
    }
    if (groups.at(-1)!.length + statements.length > STATEMENTS_PER_BATCH) groups.push([]);
    groups.at(-1)!.push(...statements);
  }
  for (const group of groups) if (group.length) await d1.batch(group);
}
