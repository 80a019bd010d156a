import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { sweepStalledWork } from "../../worker/cron/sweep";
import { api, waitForRun } from "../support/api";
import { sampleWorkspace } from "../support/sample-workspace";

describe("the every-minute sweep", () => {
  it("resumes a Run whose next message was lost after its page was stored, and imports every row once", { timeout: 60_000 }, async () => {
    const { ws, as, usersSource } = await sampleWorkspace("sweep", 40);
    const schedule = (await api("POST", "/schedules", { as, body: { sourceId: usersSource.id, name: "By hand" } })).body.schedule;
    const runId = "run_sweepsweepsweepsweepswee";
    const longAgo = Date.now() - 10 * 60_000;
    // A Run that was started and then lost its queue message, as if the Worker died right after storing.
    await env.DB.prepare(
      `insert into runs (id, tenant_id, schedule_id, source_id, state, trigger, incremental, page, counters, percent_complete, started_at, created_at, updated_at)
       values (?, ?, ?, ?, 'running', 'manual', 0, 0, ?, 0, ?, ?, ?)`,
    )
      .bind(runId, ws.workspace.id, schedule.id, usersSource.id, JSON.stringify({ rowsRead: 0, importsCreated: 0, recordsCreated: 0, recordsUpdated: 0, recordsUnchanged: 0, invalidValues: 0, errors: 0 }), longAgo, longAgo, longAgo)
      .run();

    expect(await sweepStalledWork(env, new Date())).toMatchObject({ runs: 1 });
    const run = await waitForRun(as, runId);
    expect(run).toMatchObject({ state: "complete" });
    expect(run.counters).toMatchObject({ rowsRead: 40, importsCreated: 40, recordsCreated: 40, errors: 0 });

    // A second sweep finds nothing left to do, and nothing is imported twice.
    expect(await sweepStalledWork(env, new Date())).toMatchObject({ runs: 0 });
    const records = await env.DB.prepare("select count(*) as n from records where tenant_id = ?").bind(ws.workspace.id).first<{ n: number }>();
    expect(records!.n).toBe(40);
  });
});
