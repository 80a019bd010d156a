import { and, desc, eq, inArray, type SQL } from "drizzle-orm";
import type { Actor } from "../context";
import { runs, type Run } from "../db/schema";
import type { TenantScope } from "../db/tenant-scope";
import type { Env } from "../env";
import { ApiError, notFound } from "../errors";
import { moveRun, startRun } from "../runs/lifecycle";
import { UNFINISHED, type RunState } from "../runs/states";
import { auditEntry } from "./audit-log";
import { findSchedule } from "./schedules";

export const publicRun = (r: Run) => ({
  id: r.id,
  scheduleId: r.scheduleId,
  sourceId: r.sourceId,
  groupId: r.groupId,
  destinationId: r.destinationId,
  state: r.state,
  reason: r.reason,
  trigger: r.trigger,
  incremental: r.incremental,
  counters: r.counters,
  percentComplete: r.percentComplete,
  rowsTotal: r.rowsTotal,
  readComplete: r.readComplete,
  highWaterMarkStart: r.highWaterMarkStart,
  highWaterMark: r.highWaterMark,
  startedAt: r.startedAt,
  finishedAt: r.finishedAt,
  createdAt: r.createdAt,
  updatedAt: r.updatedAt,
});

export async function findRun(scope: TenantScope, runId: string) {
  const run = await scope.findOne(runs, eq(runs.id, runId));
  if (!run) throw notFound("Run");
  return run;
}

export function listRuns(scope: TenantScope, filter: { scheduleId?: string; state?: RunState; limit: number }) {
  const conditions: SQL[] = [];
  if (filter.scheduleId) conditions.push(eq(runs.scheduleId, filter.scheduleId));
  if (filter.state) conditions.push(eq(runs.state, filter.state));
  return scope
    .select(runs, conditions.length ? and(...conditions) : undefined)
    .orderBy(desc(runs.createdAt))
    .limit(filter.limit);
}

/** Starts a Run of a Schedule now, by hand; refused while one is still going. */
export async function startRunByHand(scope: TenantScope, env: Env, actor: Actor, requestId: string, scheduleId: string) {
  const schedule = await findSchedule(scope, scheduleId);
  const active = await scope.findOne(runs, and(eq(runs.scheduleId, scheduleId), inArray(runs.state, [...UNFINISHED]))!);
  const run = active ? null : await startRun(scope, env, schedule, "manual");
  if (!run) throw new ApiError("conflict", "A Run of this Schedule is already going", { runId: active?.id });
  await auditEntry(scope, actor, requestId, { action: "run.start", targetType: "run", targetId: run.id, after: publicRun(run) });
  return run;
}

/** Stops a Run: pages not yet read are skipped; Imports already stored still reach their Records. */
export async function stopRun(scope: TenantScope, actor: Actor, requestId: string, runId: string) {
  const before = await findRun(scope, runId);
  const who = actor.type === "user" ? "a person" : "an API key";
  const moved = await moveRun(scope, runId, "stopped", { reason: `Stopped by ${who}; Imports already read are still applied` });
  if (!moved) throw new ApiError("conflict", `The Run is already ${before.state}`, { state: before.state });
  const after = await findRun(scope, runId);
  await auditEntry(scope, actor, requestId, { action: "run.stop", targetType: "run", targetId: runId, before: publicRun(before), after: publicRun(after) });
  return after;
}
