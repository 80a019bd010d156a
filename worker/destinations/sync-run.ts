import { and, eq, inArray } from "drizzle-orm";
import { createDb, isUniqueViolation } from "../db/client";
import { destinations, type Destination } from "../db/destinations-schema";
import { runs, type Run } from "../db/schema";
import { TenantScope } from "../db/tenant-scope";
import type { Env } from "../env";
import { removeVanished } from "../exports/removals";
import { handOverRecords } from "../groups/hand-over";
import type { DestinationPageMessage } from "../queues/messages";
import { draftRun, moveRun } from "../runs/lifecycle";
import { UNFINISHED } from "../runs/states";

/** Records walked per page: one message's worth of objects at the hand-over's pace (about a second and a quarter). */
export const SYNC_PAGE = 250;

/**
 * The Records a Destination's sync walks, by id: its collection's members (or every Record), and
 * those it holds, so Records that left while it was defined otherwise are removed in sync mode.
 */
function walked(destination: Destination) {
  const holdings = "select record_id as id from destination_records where destination_id = ?1 and tenant_id = ?2";
  const members = destination.groupId ? "select record_id as id from group_members where group_id = ?3 and tenant_id = ?2" : "select id from records where tenant_id = ?2";
  return { sql: `select id from (${members} union ${holdings})`, params: [destination.id, destination.tenantId, ...(destination.groupId ? [destination.groupId] : [])] };
}

/**
 * Starts walking a Destination's Records through their objects, so it comes to hold what its
 * definition now says. A sync already going was walking under the old definition: it is stopped.
 */
export async function startDestinationSync(scope: TenantScope, env: Env, destinationId: string, now = new Date()): Promise<Run | null> {
  const active = await scope.findOne(runs, and(eq(runs.destinationId, destinationId), inArray(runs.state, [...UNFINISHED]))!);
  if (active) await moveRun(scope, active.id, "stopped", { reason: "Superseded: the Destination changed and a new sync started" });
  const run = draftRun(scope.tenantId, "destination", { destinationId, cursor: "" }, now);
  try {
    await scope.insert(runs, run);
  } catch (err) {
    if (isUniqueViolation(err)) return null;
    throw err;
  }
  await env.RUN_PAGES.send({ kind: "destination-page", tenantId: scope.tenantId, runId: run.id, page: 0 });
  return run;
}

const describeSync = (c: Run["counters"]) => `Walked ${c.rowsRead} Records: ${c.exportsCreated} Exports`;

/**
 * Walks one page of a Destination's Records: their objects decide, under the Destination's current
 * definition, what it should hold, held Records that no longer exist are removed in sync mode, and
 * the Exports that takes are stored and queued. The Run's
 * cursor moves only while it is still on this page, so a redelivered page walks nothing twice.
 */
export async function syncDestinationPage(env: Env, message: DestinationPageMessage) {
  const scope = new TenantScope(createDb(env.DB), message.tenantId);
  let run = await scope.findOne(runs, eq(runs.id, message.runId));
  if (!run || !run.destinationId || !UNFINISHED.includes(run.state) || run.page !== message.page) return;
  const destination = await scope.findOne(destinations, eq(destinations.id, run.destinationId));
  if (!destination) return moveRun(scope, run.id, "failed", { reason: "The Destination was deleted" });
  const d1 = env.DB;
  if (run.state === "draft") {
    const walk = walked(destination);
    const total = await d1.prepare(`select count(*) as n from (${walk.sql})`).bind(...walk.params).first<number>("n");
    await moveRun(scope, run.id, "running", { rowsTotal: total ?? 0 });
    run = (await scope.findOne(runs, eq(runs.id, run.id)))!;
    if (run.state !== "running") return;
  }
  const walk = walked(destination);
  // Numbered after the walk's own parameters, which are two or three.
  const next = walk.params.length + 1;
  const { results } = await d1
    .prepare(`${walk.sql} where id > ?${next} order by id limit ?${next + 1}`)
    .bind(...walk.params, run.cursor ?? "", SYNC_PAGE)
    .all<{ id: string }>();
  if (!results.length) {
    await moveRun(scope, run.id, "complete", { percentComplete: 100, readComplete: true, reason: describeSync(run.counters) });
    return;
  }
  const recordIds = results.map((r) => r.id);
  const { created } = await handOverRecords(env, message.tenantId, { recordIds });
  // The hand-over reaches only Records that exist; those it holds that are gone are removed here.
  const exports = (created.get(destination.id) ?? 0) + (await removeVanished(env, message.tenantId, recordIds, destination.id));
  await d1
    .prepare(
      `update runs set cursor = ?1, page = page + 1, updated_at = ?2,
         counters = json_set(counters, '$.rowsRead', coalesce(json_extract(counters, '$.rowsRead'), 0) + ?3, '$.exportsCreated', coalesce(json_extract(counters, '$.exportsCreated'), 0) + ?4),
         percent_complete = case when rows_total > 0 then min(99, cast(100.0 * (coalesce(json_extract(counters, '$.rowsRead'), 0) + ?3) / rows_total as integer)) else percent_complete end
       where id = ?5 and tenant_id = ?6 and state = 'running' and page = ?7`,
    )
    .bind(results.at(-1)!.id, Date.now(), results.length, exports, run.id, message.tenantId, run.page)
    .run();
  await env.RUN_PAGES.send({ kind: "destination-page", tenantId: message.tenantId, runId: run.id, page: run.page + 1 });
}
