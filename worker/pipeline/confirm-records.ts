import { eq } from "drizzle-orm";
import { recordObjectName } from "../../durable-objects/record-object";
import { SYSTEM_ACTOR } from "../context";
import { chunk } from "../db/chunk";
import { runs, schedules, sources, type Run } from "../db/schema";
import type { TenantScope } from "../db/tenant-scope";
import type { Env } from "../env";
import { planRemovals, removalStatements } from "../exports/removals";
import { nudgeDestinations } from "../exports/send";
import type { RunCounters } from "../runs/states";
import { auditEntryOnce } from "../services/audit-log";

/** What confirming a finished Run's Records came to; not done while missing Records are still being removed. */
export type Confirmation = { done: false } | { done: true; missing?: number; note?: string };

export interface RemovalLimits {
  /** Records looked up, forgotten by their objects and deleted in one D1 batch. */
  step: number;
  /** Steps per call. Each removed Record costs a call to its object, so one call stays well inside a Worker's subrequests; the rest is left to the next call. */
  steps: number;
}

const DEFAULT_LIMITS: RemovalLimits = { step: 900, steps: 5 };
/** Record ids per delete: with the workspace and Run ids, under D1's 100 bound parameters. */
const IDS_PER_DELETE = 90;
const AUDITED_IDS = 100;
const OBJECT_CONCURRENCY = 32;

interface Target {
  tenantId: string;
  runId: string;
  propertyId: string;
  /** When the Run began reading, epoch ms. */
  since: number;
}

/**
 * The Source's Records (they hold a value of its identity Property) that no Import of the Run was
 * matched to. Only identities older than the Run count: a Record that arrived by webhook while the
 * Run was reading was never there to be read.
 */
const UNSEEN = `from record_identities ri
  where ri.tenant_id = ? and ri.property_id = ? and ri.created_at < ?
    and not exists (select 1 from imports i where i.run_id = ? and i.record_id = ri.record_id and i.tenant_id = ri.tenant_id)`;
const unseenValues = (t: Target) => [t.tenantId, t.propertyId, t.since, t.runId];

/** Why absence proves nothing after this Run, so nothing may be removed; null when removal is safe. */
function removalRefusal(counters: RunCounters): string | null {
  if (!counters.rowsRead) return "missing Records were not removed: the Run read no rows, which looks more like a broken Source than everyone leaving";
  if (counters.errors) return `missing Records were not removed: ${counters.errors} Imports failed, so a Record not seen may only have failed`;
  return null;
}

/**
 * When a Run of a Schedule with confirmRecords has imported everything, marks the Source's Records it
 * did not see as missing (keeping when they first went missing) and clears the mark of those it saw;
 * with removeMissing, removes the missing ones unless the Run gives reason to doubt it. Every step is
 * safe to repeat, and two consumers doing it at once remove each Record once and count it once.
 */
export async function confirmRecords(env: Env, scope: TenantScope, runId: string, limits = DEFAULT_LIMITS): Promise<Confirmation | null> {
  const run = await scope.findOne(runs, eq(runs.id, runId));
  const schedule = run?.scheduleId ? await scope.findOne(schedules, eq(schedules.id, run.scheduleId)) : undefined;
  if (!run || !schedule?.confirmRecords) return null;
  if (run.incremental) return { done: true, note: "Records were not confirmed: an incremental Run reads only changed rows" };
  const source = run.sourceId ? await scope.findOne(sources, eq(sources.id, run.sourceId)) : undefined;
  if (!source?.identityPropertyId) return { done: true, note: "Records were not confirmed: the Source has no identity column to match its rows to Records" };
  if (source.role === "enrich") return { done: true, note: "Records were not confirmed: an enrich Source only adds to Records other Sources create" };

  const target: Target = { tenantId: scope.tenantId, runId, propertyId: source.identityPropertyId, since: (run.startedAt ?? run.createdAt).getTime() };
  await mark(scope.db.$client, target, Date.now());
  const refusal = schedule.removeMissing ? removalRefusal(run.counters) : null;
  if (schedule.removeMissing && !refusal && !(await removeUnseen(env, scope, run, target, limits))) return { done: false };
  return { done: true, missing: await countMissing(scope.db.$client, target), ...(refusal ? { note: refusal } : {}) };
}

/**
 * Marks the unseen Records missing, unless they already are, and clears the mark of every Record the Run
 * saw: one transaction. Statements on records carry the workspace condition with a unary plus, so SQLite
 * finds the Records by id rather than reading the whole workspace's through the tenant index.
 */
async function mark(d1: D1Database, t: Target, now: number) {
  await d1.batch([
    d1.prepare(`update records set missing_since = ? where +tenant_id = ? and missing_since is null and id in (select ri.record_id ${UNSEEN})`).bind(now, t.tenantId, ...unseenValues(t)),
    d1
      .prepare(`update records set missing_since = null where +tenant_id = ? and missing_since is not null and id in (select i.record_id from imports i where i.run_id = ? and i.tenant_id = ?)`)
      .bind(t.tenantId, t.runId, t.tenantId),
  ]);
}

/** Those already removed (counted as they went) and those still unseen: the same number whoever asks, and however often. */
async function countMissing(d1: D1Database, t: Target) {
  const row = await d1
    .prepare(`select coalesce(json_extract(counters, '$.recordsRemoved'), 0) + (select count(distinct ri.record_id) ${UNSEEN}) as n from runs where id = ? and tenant_id = ?`)
    .bind(...unseenValues(t), t.runId, t.tenantId)
    .first<{ n: number }>();
  return row?.n ?? 0;
}

/**
 * Removes unseen Records a step at a time, in identity order: each step's objects forget their Records
 * first and then one D1 batch deletes them (a stop in between leaves them to be found again), counts
 * what it deleted and removes those from the sync-mode Destinations that hold them. The first batch of
 * a Run's removal carries its one audit entry. True when none are left.
 */
async function removeUnseen(env: Env, scope: TenantScope, run: Run, t: Target, limits: RemovalLimits) {
  const d1 = scope.db.$client;
  const total = await d1.prepare(`select count(distinct ri.record_id) as n ${UNSEEN}`).bind(...unseenValues(t)).first<{ n: number }>();
  let after: string | null = null;
  for (let step = 0; step < limits.steps; step++) {
    const page: { value: string; recordId: string }[] = (
      await d1
        .prepare(`select ri.value, ri.record_id as recordId ${UNSEEN}${after === null ? "" : " and ri.value > ?"} order by ri.value limit ?`)
        .bind(...unseenValues(t), ...(after === null ? [] : [after]), limits.step)
        .all<{ value: string; recordId: string }>()
    ).results;
    if (!page.length) return true;
    after = page.at(-1)!.value;
    const ids = [...new Set(page.map((r) => r.recordId))];
    const removals = await planRemovals(d1, t.tenantId, ids);
    await forgetInObjects(env, t.tenantId, ids);
    const audit = auditEntryOnce(scope, SYSTEM_ACTOR, `confirm:${t.runId}`, {
      action: "run.remove_missing",
      targetType: "run",
      targetId: t.runId,
      after: { sourceId: run.sourceId, scheduleId: run.scheduleId, removed: total?.n ?? ids.length, recordIds: ids.slice(0, AUDITED_IDS) },
    });
    await d1.batch([
      ...(step === 0 ? [audit] : []),
      ...chunk(ids, IDS_PER_DELETE).flatMap((part) => deleteAndCount(d1, t, part)),
      // After the deletes: only Records they did delete are removed.
      ...removalStatements(d1, t.tenantId, removals, Date.now()),
    ]);
    await nudgeDestinations(env, t.tenantId, removals.map((r) => r.destinationId));
    if (page.length < limits.step) return true;
  }
  return false;
}

/** Deletes Records still missing and still unseen (their values and identities go with them), then adds what it deleted to the Run's count. */
function deleteAndCount(d1: D1Database, t: Target, ids: string[]) {
  return [
    d1
      .prepare(
        `delete from records where +tenant_id = ? and missing_since is not null and id in (${ids.map(() => "?").join(", ")})
           and not exists (select 1 from imports i where i.run_id = ? and i.record_id = records.id and i.tenant_id = records.tenant_id)`,
      )
      .bind(t.tenantId, ...ids, t.runId),
    d1
      .prepare(`update runs set counters = json_set(counters, '$.recordsRemoved', coalesce(json_extract(counters, '$.recordsRemoved'), 0) + changes()) where id = ? and tenant_id = ?`)
      .bind(t.runId, t.tenantId),
  ];
}

/** Has each Record's object drop what it holds, a few objects at a time, so nothing the Record held outlives it. */
async function forgetInObjects(env: Env, tenantId: string, recordIds: string[]) {
  const queue = [...recordIds];
  await Promise.all(
    Array.from({ length: Math.min(OBJECT_CONCURRENCY, queue.length) }, async () => {
      for (let id = queue.shift(); id; id = queue.shift()) {
        const stub = env.RECORDS.get(env.RECORDS.idFromName(recordObjectName(tenantId, id)));
        await stub.forget();
      }
    }),
  );
}
