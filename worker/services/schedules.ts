import { and, desc, eq, inArray } from "drizzle-orm";
import type { Actor } from "../context";
import { runs, schedules, type Schedule, type Source } from "../db/schema";
import type { TenantScope } from "../db/tenant-scope";
import type { Env } from "../env";
import { ApiError, notFound } from "../errors";
import { newId } from "../ids";
import { UNFINISHED } from "../runs/states";
import { auditEntry } from "./audit-log";
import { findSource, runtimeFor, sourceColumns } from "./sources";

export interface ScheduleInput {
  name: string;
  everyMinutes: number | null;
  incrementalColumn: string | null;
  confirmRecords: boolean;
  removeMissing: boolean;
}

export const publicSchedule = (s: Schedule) => ({
  id: s.id,
  sourceId: s.sourceId,
  name: s.name,
  everyMinutes: s.everyMinutes,
  incrementalColumn: s.incrementalColumn,
  highWaterMark: s.highWaterMark,
  confirmRecords: s.confirmRecords,
  removeMissing: s.removeMissing,
  nextRunAt: s.nextRunAt,
  createdAt: s.createdAt,
  updatedAt: s.updatedAt,
});

export async function findSchedule(scope: TenantScope, scheduleId: string) {
  const schedule = await scope.findOne(schedules, eq(schedules.id, scheduleId));
  if (!schedule) throw notFound("Schedule");
  return schedule;
}

export const listSchedules = (scope: TenantScope, sourceId?: string) =>
  scope.select(schedules, sourceId ? eq(schedules.sourceId, sourceId) : undefined).orderBy(desc(schedules.createdAt));

/**
 * Confirming Records takes a Run that reads every row of a Source whose rows are matched to Records
 * by an identity column: only then does a row not read mean a Record that is gone.
 */
function assertConfirmable(source: Source, input: ScheduleInput) {
  if (!input.confirmRecords) return;
  const refuse = (why: string) => new ApiError("invalid_request", `confirmRecords is not possible here: ${why}`, { field: "confirmRecords" });
  if (!source.identityPropertyId) throw refuse("the Source has no identity column, so its rows cannot be matched to the Records they would confirm");
  if (source.role === "enrich") throw refuse("an enrich Source only adds to Records other Sources create, so a Record without a row in it is not missing");
  if (input.incrementalColumn) throw refuse("an incremental Schedule reads only rows that changed, so a row it does not read proves nothing; use a full Schedule");
}

/** A Schedule must be able to page through its Source, and an incremental one needs a column that orders rows. */
async function assertSchedulable(scope: TenantScope, env: Env, sourceId: string, input: ScheduleInput) {
  const source = await findSource(scope, sourceId);
  assertConfirmable(source, input);
  const { runtime } = await runtimeFor(scope, env, source);
  if (!runtime.sourceType.importRecords) {
    throw new ApiError("invalid_request", `${runtime.sourceType.displayName} Sources are read per Record and cannot be imported on a schedule`, { field: "sourceId" });
  }
  if (input.removeMissing && !input.confirmRecords) {
    throw new ApiError("invalid_request", "Removing Records whose row disappeared needs confirmRecords", { field: "removeMissing" });
  }
  if (input.incrementalColumn) {
    const columns = await sourceColumns(runtime);
    const column = columns.find((c) => c.name === input.incrementalColumn);
    if (!column?.incremental) {
      const usable = columns.filter((c) => c.incremental).map((c) => c.name);
      throw new ApiError("invalid_request", `"${input.incrementalColumn}" cannot order rows for incremental imports; use one of ${usable.join(", ") || "(none)"}`, {
        field: "incrementalColumn",
      });
    }
  }
}

const nextRun = (everyMinutes: number | null, from: Date) => (everyMinutes === null ? null : from);

export async function createSchedule(scope: TenantScope, env: Env, actor: Actor, requestId: string, sourceId: string, input: ScheduleInput) {
  await assertSchedulable(scope, env, sourceId, input);
  const now = new Date();
  const schedule: Schedule = {
    id: newId("sch"),
    tenantId: scope.tenantId,
    sourceId,
    ...input,
    highWaterMark: null,
    // A new recurring Schedule is due at once, so the first import does not wait a whole interval.
    nextRunAt: nextRun(input.everyMinutes, now),
    createdAt: now,
    updatedAt: now,
  };
  await scope.db.batch([
    scope.insert(schedules, schedule),
    auditEntry(scope, actor, requestId, { action: "schedule.create", targetType: "schedule", targetId: schedule.id, after: publicSchedule(schedule) }),
  ]);
  return schedule;
}

export async function updateSchedule(scope: TenantScope, env: Env, actor: Actor, requestId: string, scheduleId: string, changes: Partial<ScheduleInput>) {
  const before = await findSchedule(scope, scheduleId);
  const next: ScheduleInput = { ...before, ...changes };
  await assertSchedulable(scope, env, before.sourceId, next);
  const now = new Date();
  const after: Schedule = {
    ...before,
    ...next,
    // A different column's marks mean nothing for the old one: start that column from the beginning.
    highWaterMark: next.incrementalColumn === before.incrementalColumn ? before.highWaterMark : null,
    nextRunAt: next.everyMinutes === before.everyMinutes ? before.nextRunAt : nextRun(next.everyMinutes, now),
    updatedAt: now,
  };
  const { id: _id, tenantId: _tenant, createdAt: _created, ...set } = after;
  await scope.db.batch([
    scope.update(schedules, set, eq(schedules.id, scheduleId)),
    auditEntry(scope, actor, requestId, { action: "schedule.update", targetType: "schedule", targetId: scheduleId, before: publicSchedule(before), after: publicSchedule(after) }),
  ]);
  return after;
}

export async function deleteSchedule(scope: TenantScope, actor: Actor, requestId: string, scheduleId: string) {
  const schedule = await findSchedule(scope, scheduleId);
  const active = await scope.findOne(runs, and(eq(runs.scheduleId, scheduleId), inArray(runs.state, [...UNFINISHED]))!);
  if (active) throw new ApiError("conflict", "A Run of this Schedule is still going; stop it first", { runId: active.id });
  await scope.db.batch([
    scope.delete(schedules, eq(schedules.id, scheduleId)),
    auditEntry(scope, actor, requestId, { action: "schedule.delete", targetType: "schedule", targetId: scheduleId, before: publicSchedule(schedule) }),
  ]);
}
