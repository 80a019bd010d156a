import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { utcDay } from "../../worker/cron/group-counts";
import { deleteExpiredGroupHistory, deleteExpiredImports, GROUP_HISTORY_DAYS } from "../../worker/cron/retention";
import { createDb } from "../../worker/db/client";
import { imports, runs, type ImportState } from "../../worker/db/schema";
import { TenantScope } from "../../worker/db/tenant-scope";
import { newId } from "../../worker/ids";
import { emptyCounters, type RunState } from "../../worker/runs/states";
import { addMember, api, createKey, signUp } from "../support/api";
import { planOf, recordingD1 } from "../support/query-plans";

const DAY = 86_400_000;
const now = new Date(Date.UTC(2025, 5, 1));
const daysAgo = (days: number) => new Date(now.getTime() - days * DAY);

const scopeOf = (tenantId: string) => new TenantScope(createDb(env.DB), tenantId);

/** Imports are labelled through their data, Runs through their reason, to read back which survived. */
async function addImport(scope: TenantScope, label: string, state: ImportState, createdAt: Date) {
  await scope.insert(imports, { id: newId("imp"), via: "api", sourceId: null, runId: null, recordId: null, data: { label }, state, createdAt });
}

async function addRun(scope: TenantScope, label: string, state: RunState, createdAt: Date, finishedAt: Date | null) {
  await scope.insert(runs, {
    id: newId("run"),
    scheduleId: null,
    sourceId: null,
    state,
    reason: label,
    trigger: "manual",
    incremental: false,
    page: 0,
    counters: emptyCounters(),
    percentComplete: finishedAt ? 100 : 0,
    startedAt: createdAt,
    finishedAt,
    createdAt,
    updatedAt: finishedAt ?? createdAt,
  });
}

/** The same Imports and Runs in every workspace: their ages straddle a 7-day and a 30-day retention. */
async function addHistory(scope: TenantScope) {
  await addImport(scope, "processed 40 days ago", "processed", daysAgo(40));
  await addImport(scope, "processed 10 days ago", "processed", daysAgo(10));
  await addImport(scope, "failed 10 days ago", "failed", daysAgo(10));
  await addImport(scope, "processed yesterday", "processed", daysAgo(1));
  await addImport(scope, "pending since 40 days", "pending", daysAgo(40));
  await addImport(scope, "associated since 40 days", "associated", daysAgo(40));
  await addRun(scope, "complete 40 days ago", "complete", daysAgo(45), daysAgo(40));
  await addRun(scope, "failed 10 days ago", "failed", daysAgo(12), daysAgo(10));
  await addRun(scope, "stopped 10 days ago", "stopped", daysAgo(10), daysAgo(10));
  await addRun(scope, "complete yesterday after 40 days", "complete", daysAgo(40), daysAgo(1));
  await addRun(scope, "running since 40 days", "running", daysAgo(40), null);
  await addRun(scope, "draft since 40 days", "draft", daysAgo(40), null);
}

const kept = async (scope: TenantScope) => ({
  imports: (await scope.select(imports)).map((i) => i.data.label).sort(),
  runs: (await scope.select(runs)).map((r) => r.reason).sort(),
});

describe("the importRetentionDays workspace setting", () => {
  it("is 30 days by default and owners and admins change it, audited", async () => {
    const ws = await signUp("retentionsetting");
    expect((await api("GET", "/workspace", { as: ws.owner })).body.workspace.importRetentionDays).toBe(30);
    const admin = await addMember(ws, "admin", "retadmin");
    const changed = await api("PATCH", "/workspace", { as: admin.as, body: { importRetentionDays: 7 } });
    expect(changed.status).toBe(200);
    expect(changed.body.workspace).toMatchObject({ importRetentionDays: 7, name: ws.workspace.name });
    expect((await api("GET", "/workspace", { as: ws.owner })).body.workspace.importRetentionDays).toBe(7);
    const log = await api("GET", "/audit-log?action=workspace.update", { as: ws.owner });
    expect(log.body.entries[0]).toMatchObject({ before: { importRetentionDays: 30 }, after: { importRetentionDays: 7 } });
  });

  it("is refused to editors, viewers and keys without write:settings, and outside 1..365 days", async () => {
    const ws = await signUp("retentionrefused");
    const editor = await addMember(ws, "editor", "reteditor");
    const viewer = await addMember(ws, "viewer", "retviewer");
    const key = await createKey(ws.owner, ["write:records", "read:settings"]);
    for (const as of [editor.as, viewer.as, { key: key.secret }]) {
      expect((await api("PATCH", "/workspace", { as, body: { importRetentionDays: 5 } })).status).toBe(403);
    }
    for (const days of [0, 366, 1.5, "7", null]) {
      const res = await api("PATCH", "/workspace", { as: ws.owner, body: { importRetentionDays: days } });
      expect(res.status, String(days)).toBe(400);
    }
    expect((await api("GET", "/workspace", { as: ws.owner })).body.workspace.importRetentionDays).toBe(30);
  });
});

describe("deleteExpiredImports", () => {
  it("deletes processed or failed Imports and finished Runs past each workspace's own retention, and nothing else", async () => {
    const week = await signUp("retentionweek");
    expect((await api("PATCH", "/workspace", { as: week.owner, body: { importRetentionDays: 7 } })).status).toBe(200);
    const month = await signUp("retentionmonth");
    const weekScope = scopeOf(week.workspace.id);
    const monthScope = scopeOf(month.workspace.id);
    await addHistory(weekScope);
    await addHistory(monthScope);

    expect(await deleteExpiredImports(env, now)).toEqual({ imports: 4, runs: 4 });

    const stillPipelined = ["associated since 40 days", "pending since 40 days"];
    const unfinished = ["draft since 40 days", "running since 40 days"];
    expect(await kept(weekScope)).toEqual({
      imports: [...stillPipelined, "processed yesterday"].sort(),
      runs: ["complete yesterday after 40 days", ...unfinished].sort(),
    });
    expect(await kept(monthScope)).toEqual({
      imports: [...stillPipelined, "failed 10 days ago", "processed 10 days ago", "processed yesterday"].sort(),
      runs: ["complete yesterday after 40 days", "failed 10 days ago", "stopped 10 days ago", ...unfinished].sort(),
    });
    expect(await deleteExpiredImports(env, now)).toEqual({ imports: 0, runs: 0 });
  });

  it("deletes a bounded number per call and continues where it stopped on the next", async () => {
    const ws = await signUp("retentionchunks");
    const scope = scopeOf(ws.workspace.id);
    for (let i = 0; i < 7; i++) await addImport(scope, `old ${i}`, "processed", daysAgo(60));
    for (let i = 0; i < 5; i++) await addRun(scope, `old ${i}`, "complete", daysAgo(61), daysAgo(60));

    const limits = { chunk: 2, perTable: 5 };
    expect(await deleteExpiredImports(env, now, limits)).toEqual({ imports: 5, runs: 5 });
    expect(await deleteExpiredImports(env, now, limits)).toEqual({ imports: 2, runs: 0 });
    expect(await kept(scope)).toEqual({ imports: [], runs: [] });
  });

  it("keeps a finished Run while its Imports are still in the pipeline", async () => {
    const ws = await signUp("retentionlinked");
    const scope = scopeOf(ws.workspace.id);
    await addRun(scope, "stopped with an Import pending", "stopped", daysAgo(60), daysAgo(60));
    const [run] = await scope.select(runs);
    const pending = newId("imp");
    await scope.insert(imports, { id: pending, via: "run", sourceId: null, runId: run!.id, recordId: null, data: { label: "pending" }, state: "pending", createdAt: daysAgo(60) });

    expect(await deleteExpiredImports(env, now)).toEqual({ imports: 0, runs: 0 });
    await scope.update(imports, { state: "processed" }, eq(imports.id, pending));
    expect(await deleteExpiredImports(env, now)).toEqual({ imports: 1, runs: 1 });
    expect(await kept(scope)).toEqual({ imports: [], runs: [] });
  });

  it("reads each workspace as one range of its (tenant_id, created_at) index, not every row of every workspace", async () => {
    const statements: string[] = [];
    await deleteExpiredImports({ ...env, DB: recordingD1(statements) }, now);
    const [importDelete, runDelete] = statements;
    expect(await planOf(importDelete!)).toMatch(/SCAN tenants\nSEARCH imports USING INDEX imports_tenant_created_idx \(tenant_id=\? AND created_at<\?\)/);
    expect(await planOf(runDelete!)).toMatch(/SCAN tenants\nSEARCH runs USING INDEX runs_tenant_created_idx \(tenant_id=\? AND created_at<\?\)/);
  });
});

describe("Group history retention", () => {
  it("deletes membership changes and daily counts older than the kept window, and nothing newer", async () => {
    const ws = await signUp("grouphistory");
    const tenantId = ws.workspace.id;
    const group = (await api("POST", "/groups", { as: ws.owner, body: { name: "Kept a while", type: "manual" } })).body.group;
    const recordId = newId("rec");
    await env.DB.prepare("insert into records (id, tenant_id, created_at, updated_at) values (?, ?, 0, 0)").bind(recordId, tenantId).run();
    const ages = [GROUP_HISTORY_DAYS + 30, GROUP_HISTORY_DAYS + 1, GROUP_HISTORY_DAYS - 1, 3];
    for (const age of ages) {
      await env.DB.prepare("insert into group_membership_changes (tenant_id, group_id, record_id, change, at) values (?, ?, ?, 'joined', ?)")
        .bind(tenantId, group.id, recordId, daysAgo(age).getTime())
        .run();
      await env.DB.prepare("insert into group_counts (tenant_id, group_id, day, members) values (?, ?, ?, ?)").bind(tenantId, group.id, utcDay(daysAgo(age)), age).run();
    }
    // Small chunks, so deleting takes several statements.
    const result = await deleteExpiredGroupHistory(env, now, { chunk: 1, perTable: 100 });
    expect(result).toEqual({ membershipChanges: 2, groupCounts: 2 });
    const keptChanges = await env.DB.prepare("select at from group_membership_changes where group_id = ? order by at").bind(group.id).all<{ at: number }>();
    expect(keptChanges.results.map((r) => r.at)).toEqual([daysAgo(GROUP_HISTORY_DAYS - 1).getTime(), daysAgo(3).getTime()]);
    const keptCounts = await env.DB.prepare("select members from group_counts where group_id = ? order by day").bind(group.id).all<{ members: number }>();
    expect(keptCounts.results.map((r) => r.members)).toEqual([GROUP_HISTORY_DAYS - 1, 3]);
  });

  it("reaches old history Group by Group through its indexes", async () => {
    const statements: string[] = [];
    await deleteExpiredGroupHistory({ ...env, DB: recordingD1(statements) }, now);
    const deletes = statements.filter((s) => s.startsWith("delete"));
    expect(deletes).toHaveLength(2);
    expect(await planOf(deletes[0]!)).toMatch(/SEARCH group_membership_changes USING (COVERING )?INDEX group_membership_changes_group_idx \(group_id=\? AND at<\?\)/);
    expect(await planOf(deletes[1]!)).toMatch(/SEARCH group_counts USING (COVERING INDEX \w+|PRIMARY KEY) \(group_id=\? AND day<\?\)/);
  });
});
