import { and, asc, eq, isNotNull, lte } from "drizzle-orm";
import { createDb } from "../db/client";
import { schedules } from "../db/schema";
import { TenantScope } from "../db/tenant-scope";
import type { Env } from "../env";
import { log } from "../log";
import { nextRunAfter, startRun } from "../runs/lifecycle";

/** Schedules started per cron tick; any left over are due at the next tick. */
const DUE_PER_TICK = 500;

/**
 * Starts a Run for every recurring Schedule that is due, across all workspaces. A Schedule whose
 * previous Run is still going gets no second one (the database refuses it); its next time moves on.
 */
export async function startDueRuns(env: Env, now: Date) {
  const db = createDb(env.DB);
  const due = await db
    .select()
    .from(schedules)
    .where(and(isNotNull(schedules.nextRunAt), lte(schedules.nextRunAt, now)))
    .orderBy(asc(schedules.nextRunAt))
    .limit(DUE_PER_TICK);
  let started = 0;
  for (const schedule of due) {
    const scope = new TenantScope(db, schedule.tenantId);
    try {
      if (await startRun(scope, env, schedule, "schedule", now)) started++;
      else await scope.update(schedules, { nextRunAt: nextRunAfter(schedule, now) }, eq(schedules.id, schedule.id));
    } catch (err) {
      log("error", "could not start a scheduled Run", { tenantId: schedule.tenantId, scheduleId: schedule.id, error: (err as Error).message });
    }
  }
  return { due: due.length, started };
}
