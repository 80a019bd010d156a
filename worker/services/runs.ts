import { and, desc, eq, type SQL } from "drizzle-orm";
import { runs, type Run } from "../db/schema";
import type { TenantScope } from "../db/tenant-scope";
import { notFound } from "../errors";
import type { RunState } from "../runs/states";

export const publicRun = (r: Run) => ({
  id: r.id,
  scheduleId: r.scheduleId,
  sourceId: r.sourceId,
  state: r.state,
  reason: r.reason,
  trigger: r.trigger,
  incremental: r.incremental,
  counters: r.counters,
  percentComplete: r.percentComplete,
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
