import { chunk } from "../db/chunk";
import { newId } from "../ids";
import { settledMembershipStatements } from "../groups/settled-membership";
import type { SettledRecord } from "./record-state";
import { eventExportStatements, exportStatements } from "../exports/write";

/** Record Property rows per insert: 12 values each, under D1's 100 bound parameters with the guard's 3. */
const SLOTS_PER_INSERT = 7;
/** Settled Records counted per Run-counter statement: 4 values each, under D1's 100 bound parameters. */
const RECORDS_PER_COUNT = 23;
/** Statements per D1 batch: big enough to write a hundred Records at once, small enough for one transaction to stay short. */
const STATEMENTS_PER_BATCH = 400;

/** True while the Record has not yet been written at this revision (and still exists). */
const UNWRITTEN = "(select revision from records where id = ? and tenant_id = ?) < ?";

/**
 * The D1 statements that store one settled Record's values and history, each guarded by the
 * revision: a second delivery of the same result, or an older result arriving late, writes nothing.
 * A Record merged away meanwhile has no row, so nothing is written for it either. Statements on
 * record_properties name the record index: without statistics SQLite takes the value index for a
 * single Property and reads every value of that Property in the workspace.
 */
function valueStatements(d1: D1Database, tenantId: string, r: SettledRecord, now: number): D1PreparedStatement[] {
  const { recordId } = r.work;
  const guard = [recordId, tenantId, r.revision];
  const statements: D1PreparedStatement[] = [];
  const propertyId = new Map(r.work.properties.map((p) => [p.key, p.id]));
  const changed = Object.entries(r.changedSlots);
  for (const ids of chunk(
    changed.map(([key]) => propertyId.get(key)!),
    80,
  )) {
    statements.push(
      d1
        .prepare(`delete from record_properties indexed by record_properties_record_property_idx where tenant_id = ? and record_id = ? and property_id in (${ids.map(() => "?").join(", ")}) and ${UNWRITTEN}`)
        .bind(tenantId, recordId, ...ids, ...guard),
    );
  }
  const slots = changed.flatMap(([key, list]) => list.map((slot) => ({ propertyId: propertyId.get(key)!, ...slot })));
  for (const part of chunk(slots, SLOTS_PER_INSERT)) {
    const rows = part.map(() => "(?, ?, ?, ?, ?, ?, ?, ?, 'ready', ?, ?, ?)").join(", ");
    statements.push(
      d1
        .prepare(
          `insert into record_properties (id, tenant_id, record_id, property_id, position, value, invalid_value, invalid_reason, state, value_changed_at, confirmed_at, updated_at)
           select * from (values ${rows}) where ${UNWRITTEN}`,
        )
        .bind(...part.flatMap((s) => [newId("rpv"), tenantId, recordId, s.propertyId, s.position, s.value, s.invalidValue, s.invalidReason, s.changedAt, now, now]), ...guard),
    );
  }
  const confirmed = r.work.properties.filter((p) => r.work.values[p.key] && !r.changedSlots[p.key]).map((p) => p.id);
  for (const ids of chunk(confirmed, 80)) {
    statements.push(
      d1
        .prepare(`update record_properties indexed by record_properties_record_property_idx set state = 'ready', confirmed_at = ?, updated_at = ? where tenant_id = ? and record_id = ? and property_id in (${ids.map(() => "?").join(", ")}) and ${UNWRITTEN}`)
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
  return statements;
}

/** Moves a Record to its new revision: the last statement of its write, which closes the guard of every other. */
const revisionStatement = (d1: D1Database, tenantId: string, r: SettledRecord, now: number) =>
  d1
    .prepare(`update records set revision = ?, updated_at = case when ? then ? else updated_at end where id = ? and tenant_id = ? and revision < ?`)
    .bind(r.revision, r.changes.length ? 1 : 0, now, r.work.recordId, tenantId, r.revision);

/**
 * Adds settled Records to their Runs' counters, a few dozen Records per statement. Only Records
 * still unwritten at their revision count, so the statements must run before the revision moves.
 */
function counterStatements(d1: D1Database, tenantId: string, settled: SettledRecord[], now: number): D1PreparedStatement[] {
  const byRun = new Map<string, SettledRecord[]>();
  for (const r of settled) for (const runId of r.work.runIds) byRun.set(runId, [...(byRun.get(runId) ?? []), r]);
  const statements: D1PreparedStatement[] = [];
  for (const [runId, records] of byRun) {
    for (const part of chunk(records, RECORDS_PER_COUNT)) {
      const rows = part.map(() => "(?, ?, ?, ?)").join(", ");
      const counted = (key: string, outcome: string) => `'$.${key}', coalesce(json_extract(counters, '$.${key}'), 0) + (select count(*) from settled where column3 = '${outcome}')`;
      statements.push(
        d1
          .prepare(
            `with settled as (select * from (values ${rows}) where (select revision from records where id = column1 and tenant_id = ?) < column2)
             update runs set counters = json_set(counters, ${counted("recordsCreated", "created")}, ${counted("recordsUpdated", "updated")}, ${counted("recordsUnchanged", "unchanged")},
                                                 '$.invalidValues', coalesce(json_extract(counters, '$.invalidValues'), 0) + (select coalesce(sum(column4), 0) from settled)),
                             updated_at = ?
             where id = ? and tenant_id = ?`,
          )
          .bind(...part.flatMap((r) => [r.work.recordId, r.revision, r.outcome, r.invalid]), tenantId, now, runId, tenantId),
      );
    }
  }
  return statements;
}

const importStatements = (d1: D1Database, tenantId: string, settled: SettledRecord[], now: number) =>
  chunk(
    settled.flatMap((r) => r.work.importIds),
    90,
  ).map((ids) =>
    d1.prepare(`update imports set state = 'processed', error = null, processed_at = ? where +tenant_id = ? and id in (${ids.map(() => "?").join(", ")})`).bind(now, tenantId, ...ids),
  );

/**
 * Writes many settled Records and marks their Imports processed, a few hundred statements per D1
 * batch. Each batch is one transaction holding whole Records: their values and Exports, then their
 * Runs' counts and their calculated Groups, then their new revisions, so a Record's guard covers all
 * of its statements together.
 */
export async function writeSettled(d1: D1Database, tenantId: string, settled: SettledRecord[], now = Date.now()) {
  const groups: { records: SettledRecord[]; values: D1PreparedStatement[] }[] = [{ records: [], values: [] }];
  for (const r of settled) {
    // A Record's Exports are stored with its values, under the same revision guard.
    const values = [
      ...valueStatements(d1, tenantId, r, now),
      ...(await exportStatements(d1, tenantId, r.work.recordId, r.exports, r.revision, now)),
      ...(await eventExportStatements(d1, tenantId, r.work.recordId, r.eventExports, r.revision, now)),
    ];
    const group = groups.at(-1)!;
    // Room for the Record's revision, its share of counting and its Imports, besides its values.
    if (group.records.length && group.values.length + 2 * group.records.length + values.length + 2 > STATEMENTS_PER_BATCH) groups.push({ records: [], values: [] });
    groups.at(-1)!.records.push(r);
    groups.at(-1)!.values.push(...values);
  }
  for (const { records, values } of groups) {
    if (!records.length) continue;
    await d1.batch([
      ...values,
      ...counterStatements(d1, tenantId, records, now),
      ...settledMembershipStatements(
        d1,
        tenantId,
        records.map((r) => ({ recordId: r.work.recordId, revision: r.revision, verdicts: r.verdicts })),
        now,
      ),
      ...records.map((r) => revisionStatement(d1, tenantId, r, now)),
      ...importStatements(d1, tenantId, records, now),
    ]);
  }
}
