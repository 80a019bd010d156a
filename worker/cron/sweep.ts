import { and, asc, eq, inArray, isNull, lt } from "drizzle-orm";
import { createDb } from "../db/client";
import { imports, runs } from "../db/schema";
import { TenantScope } from "../db/tenant-scope";
import type { Env } from "../env";
import { finishRunIfDone } from "../runs/lifecycle";
import { UNFINISHED } from "../runs/states";
import { enqueueHydration } from "../services/imports";

/**
 * How long a Run or Import may sit without progress before its messages are presumed lost. Longer
 * than a message's retries take, so a slow but live consumer is not sent duplicate work (which
 * would be harmless, only wasted).
 */
export const IDLE_MS = 2 * 60_000;
const PER_TICK = 100;

const UNSETTLED = ["pending", "associated"] as const;

/**
 * Puts stalled work back on the queues. A consumer can stop between storing a page and queueing
 * what follows; the stored state says what is left, so re-sending it resumes exactly there.
 */
export async function sweepStalledWork(env: Env, now: Date) {
  const db = createDb(env.DB);
  const before = new Date(now.getTime() - IDLE_MS);
  const stalled = await db
    .select()
    .from(runs)
    .where(and(inArray(runs.state, [...UNFINISHED]), lt(runs.updatedAt, before)))
    .orderBy(asc(runs.updatedAt))
    .limit(PER_TICK);
  for (const run of stalled) {
    const scope = new TenantScope(db, run.tenantId);
    const waiting = await scope.select(imports, and(eq(imports.runId, run.id), inArray(imports.state, [...UNSETTLED]))!).limit(5000);
    if (waiting.length) await enqueueHydration(env, run.tenantId, waiting.map((i) => i.id), "bulk");
    if (run.groupId) await env.RUN_PAGES.send({ kind: "recalculate-page", tenantId: run.tenantId, runId: run.id, page: run.page });
    else if (run.destinationId) await env.RUN_PAGES.send({ kind: "destination-page", tenantId: run.tenantId, runId: run.id, page: run.page });
    else if (!run.readComplete) await env.RUN_PAGES.send({ kind: "run-page", tenantId: run.tenantId, runId: run.id, page: run.page });
    else if (!waiting.length) await finishRunIfDone(env, scope, run.id);
    await scope.update(runs, { updatedAt: now }, and(eq(runs.id, run.id), inArray(runs.state, [...UNFINISHED]))!);
  }

  // API and webhook Imports whose hydration message was lost.
  const stranded = await db
    .select({ id: imports.id, tenantId: imports.tenantId })
    .from(imports)
    .where(and(isNull(imports.runId), inArray(imports.state, [...UNSETTLED]), lt(imports.createdAt, before)))
    .limit(PER_TICK * 10);
  const byTenant = new Map<string, string[]>();
  for (const i of stranded) byTenant.set(i.tenantId, [...(byTenant.get(i.tenantId) ?? []), i.id]);
  for (const [tenantId, ids] of byTenant) await enqueueHydration(env, tenantId, ids, "live");
  return { runs: stalled.length, imports: stranded.length };
}
