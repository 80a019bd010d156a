import { and, eq, inArray, lte } from "drizzle-orm";
import { createDb } from "../db/client";
import { groups, properties, runs, type Property, type Run } from "../db/schema";
import { isUniqueViolation } from "../db/client";
import { TenantScope } from "../db/tenant-scope";
import type { Env } from "../env";
import type { RecalculatePageMessage } from "../queues/messages";
import { draftRun, moveRun } from "../runs/lifecycle";
import { UNFINISHED, type RunTrigger } from "../runs/states";
import { validateRuleTree } from "../rules/validate";
import { calculatedGroups, isTimeRelative, ruleProperties, type CalculatedGroup } from "./calculated";
import { queueHandOver } from "./hand-over";
import { membershipStatements } from "./membership-sql";

/** Records evaluated per page: one D1 batch whose statements each scan this many Records. */
export const RECALCULATION_PAGE = 2_000;
/** How often a Group with relative dates is recalculated, so its windows keep moving without new data. */
export const TIME_RELATIVE_EVERY_MS = 15 * 60_000;

/** When a Group's rules next need time alone to recalculate them. */
export const nextTimeRecalculation = (tree: CalculatedGroup["tree"] | null, now: Date) => (tree && isTimeRelative(tree) ? new Date(now.getTime() + TIME_RELATIVE_EVERY_MS) : null);

const SUPERSEDED: Partial<Record<RunTrigger, string>> = {
  rules: "Superseded: the Group's rules changed and a new recalculation started",
  property: "Superseded: a Property the rules use changed and a new recalculation started",
};

/**
 * Starts recalculating a calculated Group over every Record. New rules or a changed Property stop a
 * recalculation already going (its pages were judged under what is now out of date); otherwise one
 * going is left to finish and null is returned. The database allows one unfinished Run per Group.
 */
export async function startRecalculation(scope: TenantScope, env: Env, groupId: string, trigger: RunTrigger, now = new Date()): Promise<Run | null> {
  const active = await scope.findOne(runs, and(eq(runs.groupId, groupId), inArray(runs.state, [...UNFINISHED]))!);
  if (active) {
    const reason = SUPERSEDED[trigger];
    if (!reason) return null;
    await moveRun(scope, active.id, "stopped", { reason });
  }
  const run = draftRun(scope.tenantId, trigger, { groupId, cursor: "" }, now);
  try {
    await scope.insert(runs, run);
  } catch (err) {
    if (isUniqueViolation(err)) return null;
    throw err;
  }
  await env.RUN_PAGES.send({ kind: "recalculate-page", tenantId: scope.tenantId, runId: run.id, page: 0 });
  return run;
}

/** The reason a finished recalculation shows. */
const describeRecalculation = (c: Run["counters"]) => `Evaluated ${c.rowsRead} Records: ${c.membersJoined} joined, ${c.membersLeft} left`;

async function failRecalculation(scope: TenantScope, runId: string, reason: string) {
  await moveRun(scope, runId, "failed", { reason });
}

/**
 * Recalculates one page of a Group's Records: the rules are evaluated by D1 over the page's ids, the
 * membership changes and their history (naming the Run) are stored with the Run's cursor in one
 * batch guarded by the page number, so a redelivered page finds the Run moved on and does nothing.
 * The Records it moved are handed to their objects through their own queue, paced apart from the
 * recalculation (decision 006, "Objects and recalculations"); then the next page is queued.
 */
export async function recalculatePage(env: Env, message: RecalculatePageMessage) {
  const scope = new TenantScope(createDb(env.DB), message.tenantId);
  let run = await scope.findOne(runs, eq(runs.id, message.runId));
  if (!run || !run.groupId || !UNFINISHED.includes(run.state) || run.page !== message.page) return;
  const [group, props] = await Promise.all([scope.findOne(groups, eq(groups.id, run.groupId)), scope.select(properties)]);
  if (!group) return;
  const checked = validateRuleTree(group.rules, props);
  if (!checked.ok) {
    const first = checked.errors[0]!;
    return failRecalculation(scope, run.id, `The rules no longer fit the Properties: ${first.path || "rules"} ${first.message}`);
  }
  if (run.state === "draft") {
    const total = await scope.db.$client.prepare("select count(*) as n from records where tenant_id = ?").bind(scope.tenantId).first<number>("n");
    await moveRun(scope, run.id, "running", { rowsTotal: total ?? 0 });
    run = (await scope.findOne(runs, eq(runs.id, run.id)))!;
    if (run.state !== "running") return;
  }
  const d1 = scope.db.$client;
  const after = run.cursor ?? "";
  const { results: page } = await d1.prepare("select id from records where tenant_id = ? and id > ? order by id limit ?").bind(scope.tenantId, after, RECALCULATION_PAGE).all<{ id: string }>();
  if (!page.length) {
    await moveRun(scope, run.id, "complete", { percentComplete: 100, readComplete: true, reason: describeRecalculation(run.counters) });
    return;
  }

  const through = page.at(-1)!.id;
  const now = Date.now();
  const calculated: CalculatedGroup = { id: group.id, version: group.rulesVersion, tree: checked.tree };
  const membership = membershipStatements(d1, { tenantId: scope.tenantId, group: calculated, properties: ruleProperties(props), now, asOf: run.startedAt?.getTime(), runId: run.id, selection: { after, through }, page: run.page });
  const changes = (change: "joined" | "left") => `(select count(*) from group_membership_changes where run_id = ?1 and change = '${change}')`;
  const advance = d1
    .prepare(
      `update runs set cursor = ?2, page = page + 1, updated_at = ?3,
         counters = json_set(counters, '$.rowsRead', coalesce(json_extract(counters, '$.rowsRead'), 0) + ?4, '$.membersJoined', ${changes("joined")}, '$.membersLeft', ${changes("left")}),
         percent_complete = case when rows_total > 0 then min(99, cast(100.0 * (coalesce(json_extract(counters, '$.rowsRead'), 0) + ?4) / rows_total as integer)) else percent_complete end
       where id = ?1 and tenant_id = ?5 and state = 'running' and page = ?6`,
    )
    .bind(run.id, through, now, page.length, scope.tenantId, run.page);
  const [joined, left] = await d1.batch([membership.joined, membership.left, ...membership.apply, advance]);
  if (joined!.meta.changes + left!.meta.changes > 0) await queueHandOver(env, scope.tenantId, { runId: run.id, after, through });
  await env.RUN_PAGES.send({ kind: "recalculate-page", tenantId: scope.tenantId, runId: run.id, page: run.page + 1 });
}

/**
 * After a batch of Records is written: if any Group's rules changed (or a Group appeared) while the
 * batch's objects judged them under the rules read at its start, those verdicts were not written, so
 * D1 judges the batch's Records under the current rules instead, and hands the outcome to their objects.
 */
export async function rejudgeChangedGroups(env: Env, scope: TenantScope, props: readonly Property[], judged: readonly CalculatedGroup[], recordIds: string[]) {
  if (!recordIds.length) return;
  const versions = new Map(judged.map((g) => [g.id, g.version]));
  // The versions alone answer the usual case, that nothing changed, without reading and checking every tree again.
  const current = await scope.db.select({ id: groups.id, version: groups.rulesVersion }).from(groups).where(and(eq(groups.tenantId, scope.tenantId), eq(groups.type, "calculated")));
  if (current.every((g) => versions.get(g.id) === g.version)) return;
  const stale = (await calculatedGroups(scope, props)).filter((g) => versions.get(g.id) !== g.version);
  const now = Date.now();
  let moved = 0;
  for (const group of stale) {
    const { joined, left, apply } = membershipStatements(scope.db.$client, { tenantId: scope.tenantId, group, properties: ruleProperties(props), now, runId: null, selection: { recordIds } });
    const [j, l] = await scope.db.$client.batch([joined, left, ...apply]);
    moved += j!.meta.changes + l!.meta.changes;
  }
  // Their objects judged them under the old rules a moment ago; D1's judgement is newer.
  if (moved) await queueHandOver(env, scope.tenantId, { recordIds });
}

/** The every-minute part that recalculates Groups with relative dates whose time has come. */
export async function recalculateTimeRelativeGroups(env: Env, now: Date) {
  const db = createDb(env.DB);
  const due = await db
    .select({ id: groups.id, tenantId: groups.tenantId })
    .from(groups)
    .where(and(eq(groups.type, "calculated"), lte(groups.recalculateAt, now))!)
    .limit(100);
  let started = 0;
  for (const g of due) {
    const scope = new TenantScope(db, g.tenantId);
    // Pushed forward first, so a Group whose recalculation is still going is not tried again every minute.
    await scope.update(groups, { recalculateAt: new Date(now.getTime() + TIME_RELATIVE_EVERY_MS) }, eq(groups.id, g.id));
    if (await startRecalculation(scope, env, g.id, "time", now)) started += 1;
  }
  return { due: due.length, started };
}
