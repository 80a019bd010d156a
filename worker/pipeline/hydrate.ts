import { and, eq, inArray, ne } from "drizzle-orm";
import { chunk } from "../db/chunk";
import { createDb, prepared } from "../db/client";
import { imports, recordProperties, records, type Import } from "../db/schema";
import { TenantScope } from "../db/tenant-scope";
import type { Env } from "../env";
import { log } from "../log";
import { incrementRunCounters } from "../runs/counters";
import { finishRunIfDone, moveRun } from "../runs/lifecycle";
import { recordObjectName } from "../../durable-objects/record-object";
import type { PropertyShape, RecordWork, SettledRecord } from "./record-state";
import { writeSettled } from "./write-settled";
import { loadCatalog } from "./catalog";
import { identifyImports, readImport, type Identified, type ImportReading } from "./identify";
import { readSources } from "./read-sources";
import { calculatedGroups, type CalculatedGroup } from "../groups/calculated";
import { rejudgeChangedGroups } from "../groups/recalculate";
import type { DestinationPlan } from "../destinations/decide";
import { destinationPlans } from "../destinations/plans";
import { nudgeDestinations } from "../exports/send";
import { eventsCarriedBy } from "../events/carried";
import type { ForwardedEvent } from "../destinations/types";

/** Record objects called at once per batch: enough to overlap their D1 writes, few enough to keep the consumer's memory flat. */
const OBJECT_CONCURRENCY = 32;

async function loadUnprocessed(scope: TenantScope, importIds: string[]): Promise<Import[]> {
  const parts = await Promise.all(chunk(importIds, 90).map((ids) => scope.selectNamed(imports, and(inArray(imports.id, ids), ne(imports.state, "processed"))!)));
  return parts.flat().sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a.id.localeCompare(b.id));
}

/** Stores what identification found: each Import's Record (or why it has none), and failures counted into their Runs. */
function associationStatements(scope: TenantScope, batch: Import[], identified: Map<string, Identified>, now: Date) {
  const db = scope.db;
  const statements: D1PreparedStatement[] = [];
  const failuresByRun = new Map<string, number>();
  for (const imp of batch) {
    const found = identified.get(imp.id)!;
    if ("error" in found) {
      statements.push(prepared(db, scope.update(imports, { state: "failed", error: found.error, processedAt: now }, eq(imports.id, imp.id))));
      if (imp.runId) failuresByRun.set(imp.runId, (failuresByRun.get(imp.runId) ?? 0) + 1);
    } else {
      statements.push(prepared(db, scope.update(imports, { state: "associated", recordId: found.recordId, error: null }, eq(imports.id, imp.id))));
    }
  }
  for (const [runId, errors] of failuresByRun) statements.push(incrementRunCounters(db.$client, scope.tenantId, runId, { errors })!);
  // Events travel as Imports: once an Import names its Record, so do the events it carries.
  statements.push(
    db.$client
      .prepare("update events set record_id = (select i.record_id from imports i where i.id = events.import_id) where import_id in (select value from json_each(?1)) and tenant_id = ?2 and record_id is null")
      .bind(JSON.stringify(batch.map((i) => i.id)), scope.tenantId),
  );
  const recordIds = [...new Set([...identified.values()].flatMap((f) => ("recordId" in f ? [f.recordId] : [])))];
  // Events that arrived before their person had a Record are matched once one holds an identity they name.
  statements.push(
    db.$client
      .prepare(
        `update events set record_id = (
           select ri.record_id from event_identities ei join record_identities ri on ri.tenant_id = ei.tenant_id and ri.property_id = ei.property_id and ri.value = ei.value
           where ei.event_id = events.id limit 1)
         where tenant_id = ?1 and record_id is null and id in (
           select ei.event_id from record_identities ri indexed by record_identities_record_idx
             join event_identities ei on ei.tenant_id = ri.tenant_id and ei.property_id = ri.property_id and ei.value = ri.value
           where ri.tenant_id = ?1 and ri.record_id in (select value from json_each(?2)))`,
      )
      .bind(scope.tenantId, JSON.stringify(recordIds)),
  );
  // Values about to be re-read show as pending until their Record's object stores the new ones.
  for (const ids of chunk(recordIds, 90)) statements.push(prepared(db, scope.update(recordProperties, { state: "pending" }, inArray(recordProperties.recordId, ids))));
  return statements;
}

/** What D1 holds of each Record: when it was created, and the revision its values were last written at. */
async function storedRecords(scope: TenantScope, recordIds: string[]) {
  const parts = await Promise.all(
    chunk(recordIds, 90).map((ids) => scope.db.select({ id: records.id, revision: records.revision, createdAt: records.createdAt }).from(records).where(and(scope.owned(records), inArray(records.id, ids)))),
  );
  return new Map(parts.flat().map((r) => [r.id, r]));
}

/** One unit of work per Record: every Import of it in this batch, their pushed values in arrival order. */
function workPerRecord(
  tenantId: string,
  shared: { properties: PropertyShape[]; groups: CalculatedGroup[]; destinations: DestinationPlan[] },
  batch: Import[],
  identified: Map<string, Identified>,
  readings: Map<string, ImportReading | { error: string }>,
  carried: ReadonlyMap<string, ForwardedEvent[]>,
) {
  const works = new Map<string, RecordWork>();
  for (const imp of batch) {
    const found = identified.get(imp.id)!;
    if ("error" in found) continue;
    const work = works.get(found.recordId) ?? { tenantId, recordId: found.recordId, ...shared, values: {}, importIds: [], runIds: [], createdAt: 0, storedRevision: 0 };
    const reading = readings.get(imp.id)!;
    if (!("error" in reading)) Object.assign(work.values, reading.applied);
    work.importIds.push(imp.id);
    const events = carried.get(imp.id);
    if (events) work.events = [...(work.events ?? []), ...events];
    if (imp.runId && !work.runIds.includes(imp.runId)) work.runIds.push(imp.runId);
    works.set(found.recordId, work);
  }
  return works;
}

/**
 * Called when a hydration message is given up: its Imports that are still unprocessed fail with the
 * reason, and so do their Runs, so nothing waits forever and people see why.
 */
export async function giveUpOnImports(env: Env, tenantId: string, importIds: string[], reason: string) {
  const scope = new TenantScope(createDb(env.DB), tenantId);
  const batch = await loadUnprocessed(scope, importIds);
  if (!batch.length) return;
  const now = new Date();
  await env.DB.batch(
    chunk(
      batch.map((i) => i.id),
      90,
    ).map((ids) => prepared(scope.db, scope.db.update(imports).set({ state: "failed", error: reason, processedAt: now }).where(and(scope.owned(imports), inArray(imports.id, ids))))),
  );
  for (const runId of new Set(batch.flatMap((i) => (i.runId ? [i.runId] : [])))) {
    await moveRun(scope, runId, "failed", { reason: `Hydrating Records failed: ${reason}` });
  }
}

/** Hands one Record's work to its object and returns what the object settled. */
async function settleInObject(env: Env, work: RecordWork): Promise<SettledRecord> {
  const stub = env.RECORDS.get(env.RECORDS.idFromName(recordObjectName(work.tenantId, work.recordId)));
  return stub.settle(work);
}

/**
 * Identifies and hydrates a batch of Imports: matches each to its Record, reads every Source once
 * for the whole batch, and hands each Record's finished values to its object. Imports already
 * processed are skipped, so a redelivered message changes nothing twice.
 */
export async function hydrateImports(env: Env, tenantId: string, importIds: string[]) {
  const scope = new TenantScope(createDb(env.DB), tenantId);
  const timer = phaseTimer();
  const batch = await loadUnprocessed(scope, importIds);
  if (!batch.length) return;
  const catalog = await loadCatalog(scope);
  const [groups, plans] = await Promise.all([calculatedGroups(scope, catalog.properties), destinationPlans(scope, catalog.properties)]);
  timer.mark("load");
  const now = new Date();

  const readings = new Map(batch.map((imp) => [imp.id, readImport(imp, catalog)]));
  const identified = await identifyImports(env, scope, catalog, batch, readings, `hydrate:${batch[0]!.id}`);
  timer.mark("identify");
  await env.DB.batch(associationStatements(scope, batch, identified, now));
  timer.mark("associate");
  const shapes = catalog.properties.map(({ id, key, type, isArray }) => ({ id, key, type, isArray }));
  // Only Destinations subscribing to events need them read.
  const carried = plans.some((p) => p.eventNames.length) ? await eventsCarriedBy(env.DB, tenantId, batch.map((i) => i.id)) : new Map<string, ForwardedEvent[]>();
  const works = workPerRecord(tenantId, { properties: shapes, groups, destinations: plans }, batch, identified, readings, carried);
  const stored = await storedRecords(scope, [...works.keys()]);
  for (const [recordId, work] of works) {
    const row = stored.get(recordId);
    if (row) Object.assign(work, { createdAt: row.createdAt.getTime(), storedRevision: row.revision });
  }

  const pushed = new Map([...works].map(([id, w]) => [id, w.values]));
  const read = await readSources(env, scope, catalog, [...works.keys()], pushed);
  for (const [recordId, work] of works) Object.assign(work.values, read.get(recordId) ?? {});
  timer.mark("readSources");

  const failures: unknown[] = [];
  const settled: SettledRecord[] = [];
  const queue = [...works.values()];
  await Promise.all(
    Array.from({ length: Math.min(OBJECT_CONCURRENCY, queue.length) }, async () => {
      for (let work = queue.shift(); work; work = queue.shift()) {
        try {
          settled.push(await settleInObject(env, work));
        } catch (err) {
          failures.push(err);
        }
      }
    }),
  );
  timer.mark("settle");
  await writeSettled(env.DB, tenantId, settled);
  await nudgeDestinations(env, tenantId, settled.flatMap((r) => [...r.exports, ...r.eventExports].map((e) => e.destinationId)));
  await rejudgeChangedGroups(env, scope, catalog.properties, groups, settled.map((r) => r.work.recordId));
  timer.mark("write");
  for (const runId of new Set(batch.flatMap((i) => (i.runId ? [i.runId] : [])))) {
    await refreshProgress(scope, runId);
    await finishRunIfDone(env, scope, runId);
  }
  timer.mark("progress");
  log("debug", "hydrated batch", { tenantId, imports: batch.length, records: works.size, ms: timer.phases });
  if (failures.length) {
    log("warn", "record objects failed", { tenantId, failures: failures.length, error: String(failures[0]) });
    throw failures[0];
  }
}

/** Milliseconds spent in each phase of a batch, for the log line that shows where hydration time goes. */
function phaseTimer() {
  let last = Date.now();
  const phases: Record<string, number> = {};
  return {
    phases,
    mark(name: string) {
      const now = Date.now();
      phases[name] = now - last;
      last = now;
    },
  };
}

/** Percent complete: Imports settled over the rows the Run will read (known up front, or once reading ends). */
async function refreshProgress(scope: TenantScope, runId: string) {
  await scope.db.$client
    .prepare(
      `update runs set percent_complete = (
         select case when total > 0 then min(99, cast(100.0 * settled / total as integer)) else runs.percent_complete end
         from (select coalesce(runs.rows_total, case when runs.read_complete = 1 then json_extract(runs.counters, '$.importsCreated') end) as total,
                      (select count(*) from imports where run_id = ? and state in ('processed', 'failed')) as settled))
       where id = ? and tenant_id = ? and state = 'running'`,
    )
    .bind(runId, runId, scope.tenantId)
    .run();
}

