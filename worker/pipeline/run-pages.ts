import { eq } from "drizzle-orm";
import { normalizeValue } from "../../plugins/shared/aggregate";
import { createDb, prepared } from "../db/client";
import { runs, schedules, sources, type Run } from "../db/schema";
import { TenantScope } from "../db/tenant-scope";
import type { Env } from "../env";
import { derivedId } from "../ids";
import { finishRunIfDone, moveRun } from "../runs/lifecycle";
import { UNFINISHED } from "../runs/states";
import { enqueueHydration, importInserts } from "../services/imports";
import { runtimeFor } from "../services/sources";
import type { RunPageMessage } from "../queues/messages";

/** Rows read per page: a page's Imports are stored in one D1 batch and hydrated in a few messages. */
export const RUN_PAGE_SIZE = 500;

const jsonRow = (row: Record<string, unknown>) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, normalizeValue(v)]));

/**
 * Reads one page of a Run's Source and stores it, with the Run's next cursor and high-water mark,
 * in one D1 batch; only then are its Imports queued for hydration and the next page queued. A message
 * for a page the Run already stored is acknowledged without work, so redeliveries are harmless.
 */
export async function importRunPage(env: Env, message: RunPageMessage, attempt: { final: boolean }) {
  const scope = new TenantScope(createDb(env.DB), message.tenantId);
  const run = await scope.findOne(runs, eq(runs.id, message.runId));
  if (!run || !UNFINISHED.includes(run.state) || run.page !== message.page) return;
  if (run.state === "draft") await moveRun(scope, run.id, "running");

  const source = run.sourceId ? await scope.findOne(sources, eq(sources.id, run.sourceId)) : undefined;
  const schedule = run.scheduleId ? await scope.findOne(schedules, eq(schedules.id, run.scheduleId)) : undefined;
  if (!source || !schedule) {
    await moveRun(scope, run.id, "failed", { reason: "The Schedule or Source of this Run was deleted" });
    return;
  }
  const incremental = run.incremental && schedule.incrementalColumn ? { column: schedule.incrementalColumn, after: run.highWaterMarkStart } : undefined;

  let page;
  try {
    const { runtime } = await runtimeFor(scope, env, source);
    if (run.page === 0 && runtime.sourceType.countRows) {
      const count = runtime.sourceType.countRows;
      const total = await runtime.call("Counting the Source's rows", (ctx) => count(runtime.appOptions, runtime.sourceOptions, { incremental }, ctx));
      await scope.update(runs, { rowsTotal: total }, eq(runs.id, run.id));
    }
    page = await runtime.importPage({ cursor: run.cursor, limit: RUN_PAGE_SIZE, incremental });
  } catch (err) {
    // A blip (a slow connection, a restart) is retried with backoff. A Source still failing on the last
    // attempt ends the Run with its reason; stored pages and the Schedule's mark stay, so the next Run resumes there.
    if (!attempt.final) throw err;
    await moveRun(scope, run.id, "failed", { reason: err instanceof Error ? err.message : String(err) });
    return;
  }

  const items = await Promise.all(page.rows.map(async (row, i) => ({ id: await derivedId("imp", run.id, String(run.page), String(i)), data: jsonRow(row) })));
  await storePage(env, scope, run, schedule.id, items, page);
  if (items.length) await enqueueHydration(env, scope.tenantId, items.map((i) => i.id), "bulk");
  if (page.nextCursor !== null) await env.RUN_PAGES.send({ kind: "run-page", tenantId: scope.tenantId, runId: run.id, page: run.page + 1 });
  else await finishRunIfDone(env, scope, run.id);
}

/**
 * The page's Imports, the Run's new position and counters, and the Schedule's high-water mark, as
 * one transaction guarded by the page number: a second delivery of the same page changes nothing.
 */
async function storePage(
  env: Env,
  scope: TenantScope,
  run: Run,
  scheduleId: string,
  items: { id: string; data: Record<string, unknown> }[],
  page: { nextCursor: string | null; highWaterMark: string | null },
) {
  const d1 = env.DB;
  const mark = page.highWaterMark ?? run.highWaterMark;
  const now = Date.now();
  await d1.batch([
    ...importInserts(scope, { via: "run", sourceId: run.sourceId, runId: run.id, page: run.page }, items).map((q) => prepared(scope.db, q)),
    d1
      .prepare(
        `update runs set page = page + 1, cursor = ?, read_complete = ?, high_water_mark = ?, updated_at = ?,
           counters = json_set(counters, '$.rowsRead', json_extract(counters, '$.rowsRead') + ?,
                                         '$.importsCreated', (select count(*) from imports where run_id = ?))
         where id = ? and tenant_id = ? and page = ? and state = 'running'`,
      )
      .bind(page.nextCursor, page.nextCursor === null ? 1 : 0, mark, now, items.length, run.id, run.id, scope.tenantId, run.page),
    // Only an incremental Run moves its Schedule's mark, and only in the transaction that stored the rows below it.
    d1
      .prepare(
        `update schedules set high_water_mark = ?, updated_at = ?
         where id = ? and tenant_id = ? and ? = 1 and ? is not null and changes() > 0`,
      )
      .bind(mark, now, scheduleId, scope.tenantId, run.incremental ? 1 : 0, mark),
  ]);
}
