import { and, eq, inArray } from "drizzle-orm";
import { runs, schedules, type Run, type Schedule } from "../db/schema";
import { isUniqueViolation } from "../db/client";
import type { TenantScope } from "../db/tenant-scope";
import type { Env } from "../env";
import { newId } from "../ids";
import { confirmRecords } from "../pipeline/confirm-records";
import { emptyCounters, RUN_TRANSITIONS, UNFINISHED, type RunCounters, type RunState } from "./states";

/** The states a Run may move to `to` from, read off the declared transitions. */
const statesBefore = (to: RunState) => (Object.keys(RUN_TRANSITIONS) as RunState[]).filter((from) => RUN_TRANSITIONS[from].includes(to));

/**
 * Moves a Run to a new state only if its current state allows it, in one conditional statement, so
 * a consumer finishing and a person stopping at the same moment cannot both win. True if it moved.
 */
export async function moveRun(scope: TenantScope, runId: string, to: RunState, set: Partial<Run> = {}): Promise<boolean> {
  const now = new Date();
  const finished = !UNFINISHED.includes(to);
  const rows = await scope
    .update(
      runs,
      { ...set, state: to, updatedAt: now, ...(finished ? { finishedAt: now } : {}), ...(to === "running" ? { startedAt: now } : {}) },
      and(eq(runs.id, runId), inArray(runs.state, statesBefore(to)))!,
    )
    .returning({ id: runs.id });
  return rows.length > 0;
}

/** A Run in draft: what it is a Run of comes in `of` (a Schedule, a Group or a Destination), the rest starts empty. */
export function draftRun(tenantId: string, trigger: Run["trigger"], of: Partial<Pick<Run, "scheduleId" | "sourceId" | "groupId" | "destinationId" | "incremental" | "cursor" | "highWaterMark">>, now = new Date()): Run {
  return {
    id: newId("run"),
    tenantId,
    scheduleId: null,
    sourceId: null,
    groupId: null,
    destinationId: null,
    state: "draft",
    reason: null,
    trigger,
    incremental: false,
    cursor: null,
    page: 0,
    readComplete: false,
    rowsTotal: null,
    highWaterMarkStart: of.highWaterMark ?? null,
    highWaterMark: null,
    counters: emptyCounters(),
    percentComplete: 0,
    startedAt: null,
    finishedAt: null,
    createdAt: now,
    updatedAt: now,
    ...of,
  };
}

export const newRun = (tenantId: string, schedule: Schedule, trigger: Run["trigger"], now = new Date()): Run =>
  draftRun(tenantId, trigger, { scheduleId: schedule.id, sourceId: schedule.sourceId, incremental: schedule.incrementalColumn !== null, highWaterMark: schedule.highWaterMark }, now);

/** When a recurring Schedule is due next, counted from the start of its latest Run however it was started. */
export const nextRunAfter = (schedule: Schedule, now: Date) => (schedule.everyMinutes === null ? null : new Date(now.getTime() + schedule.everyMinutes * 60_000));

/**
 * Creates a Run of a Schedule and queues its first page. Returns null when one is already going:
 * the partial unique index on runs refuses a second unfinished Run of the same Schedule.
 */
export async function startRun(scope: TenantScope, env: Env, schedule: Schedule, trigger: Run["trigger"], now = new Date()): Promise<Run | null> {
  const run = newRun(scope.tenantId, schedule, trigger, now);
  const insert = scope.insert(runs, run);
  try {
    // Any start restarts a recurring Schedule's clock: a Run started by hand counts as the one due,
    // so the Schedule does not read the same rows again the minute it finishes.
    if (schedule.everyMinutes !== null) await scope.db.batch([insert, scope.update(schedules, { nextRunAt: nextRunAfter(schedule, now) }, eq(schedules.id, schedule.id))]);
    else await insert;
  } catch (err) {
    if (isUniqueViolation(err)) return null;
    throw err;
  }
  await env.RUN_PAGES.send({ kind: "run-page", tenantId: scope.tenantId, runId: run.id, page: 0 });
  return run;
}

export const describeCounters = (c: RunCounters) =>
  `Read ${c.rowsRead} rows: ${c.recordsCreated} Records created, ${c.recordsUpdated} updated, ${c.recordsUnchanged} unchanged` +
  (c.invalidValues ? `, ${c.invalidValues} invalid values` : "") +
  (c.errors ? `, ${c.errors} imports failed` : "") +
  (c.recordsMissing ? `, ${c.recordsMissing} missing from the Source` : "") +
  (c.recordsRemoved ? `, ${c.recordsRemoved} removed` : "");

/** Whose Imports are all in and settled: the point where a Run may complete. */
const SETTLED = `state = 'running' and read_complete = 1 and not exists (select 1 from imports where run_id = ? and state in ('pending', 'associated'))`;

/**
 * Completes a Run once its last page is stored and every one of its Imports has been processed or
 * failed, after confirming its Source's Records when its Schedule asks for that. Safe to call any
 * number of times from any consumer: only the first call moves it. A confirmation still removing
 * Records leaves the Run running and queues the next call, so the removal goes on step by step.
 */
export async function finishRunIfDone(env: Env, scope: TenantScope, runId: string): Promise<boolean> {
  const d1 = scope.db.$client;
  const settled = await d1.prepare(`select 1 from runs where id = ? and tenant_id = ? and ${SETTLED}`).bind(runId, scope.tenantId, runId).first();
  if (!settled) return false;
  const confirmation = await confirmRecords(env, scope, runId);
  if (confirmation && !confirmation.done) {
    await env.RUN_PAGES.send({ kind: "finish-run", tenantId: scope.tenantId, runId });
    return false;
  }
  const missing = confirmation?.missing;
  const now = Date.now();
  const moved = await d1
    .prepare(
      `update runs set state = 'complete', percent_complete = 100, finished_at = ?, updated_at = ?,
         counters = json_set(counters, '$.recordsMissing', coalesce(?, json_extract(counters, '$.recordsMissing'), 0))
       where id = ? and tenant_id = ? and ${SETTLED}`,
    )
    .bind(now, now, missing ?? null, runId, scope.tenantId, runId)
    .run();
  if (!moved.meta.changes) return false;
  const run = (await scope.findOne(runs, eq(runs.id, runId)))!;
  const note = confirmation?.note ? `; ${confirmation.note}` : "";
  await scope.update(runs, { reason: describeCounters(run.counters) + note }, eq(runs.id, runId));
  return true;
}
