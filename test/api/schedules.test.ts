import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { api, tableCounts } from "../support/api";
import { sampleWorkspace } from "../support/sample-workspace";

describe("Schedules", () => {
  it("creates recurring, incremental and manual Schedules and shows when they next run", async () => {
    const { as, usersSource } = await sampleWorkspace("sched");
    const recurring = await api("POST", "/schedules", { as, body: { sourceId: usersSource.id, name: "Every 10 minutes", everyMinutes: 10, incrementalColumn: "updated_at" } });
    expect(recurring.status).toBe(201);
    expect(recurring.body.schedule).toMatchObject({ everyMinutes: 10, incrementalColumn: "updated_at", highWaterMark: null, confirmRecords: false });
    expect(new Date(recurring.body.schedule.nextRunAt).getTime()).toBeLessThanOrEqual(Date.now());
    const manual = await api("POST", "/schedules", { as, body: { sourceId: usersSource.id, name: "By hand" } });
    expect(manual.body.schedule).toMatchObject({ everyMinutes: null, nextRunAt: null });
    const list = await api("GET", `/schedules?sourceId=${usersSource.id}`, { as });
    expect(list.body.schedules.map((s: { name: string }) => s.name).sort()).toEqual(["By hand", "Every 10 minutes"]);
  });

  it("refuses Schedules that could not run, naming the field, and saves nothing", async () => {
    const { as, usersSource } = await sampleWorkspace("badsched");
    const before = await tableCounts();
    const cases: [Record<string, unknown>, string][] = [
      [{ everyMinutes: 0 }, "everyMinutes"],
      [{ everyMinutes: 1.5 }, "everyMinutes"],
      [{ incrementalColumn: "email" }, "incrementalColumn"],
      [{ incrementalColumn: "nope" }, "incrementalColumn"],
      [{ removeMissing: true }, "removeMissing"],
    ];
    for (const [body, field] of cases) {
      const res = await api("POST", "/schedules", { as, body: { sourceId: usersSource.id, name: "x", ...body } });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(JSON.stringify(res.body.error.details), JSON.stringify(body)).toContain(field);
    }
    expect(await tableCounts()).toEqual(before);
  });

  it("counts a Run started by hand as the one due, so the Schedule does not run again as soon as it ends", async () => {
    const { as, usersSource } = await sampleWorkspace("schedclock");
    const schedule = (await api("POST", "/schedules", { as, body: { sourceId: usersSource.id, name: "Hourly", everyMinutes: 60 } })).body.schedule;
    const before = Date.now();
    expect((await api("POST", `/schedules/${schedule.id}/runs`, { as })).status).toBe(201);
    const after = (await api("GET", `/schedules/${schedule.id}`, { as })).body.schedule;
    expect(new Date(after.nextRunAt).getTime()).toBeGreaterThanOrEqual(before + 60 * 60_000);
  });

  it("starts a changed incremental column from the beginning", async () => {
    const { ws, as, usersSource } = await sampleWorkspace("schedmark");
    const schedule = (await api("POST", "/schedules", { as, body: { sourceId: usersSource.id, name: "Inc", everyMinutes: 5, incrementalColumn: "updated_at" } })).body.schedule;
    await env.DB.prepare("update schedules set high_water_mark = '2024-01-01T00:00:00.000Z' where id = ? and tenant_id = ?").bind(schedule.id, ws.workspace.id).run();
    const renamed = await api("PATCH", `/schedules/${schedule.id}`, { as, body: { name: "Renamed" } });
    expect(renamed.body.schedule.highWaterMark).toBe("2024-01-01T00:00:00.000Z");
    const moved = await api("PATCH", `/schedules/${schedule.id}`, { as, body: { incrementalColumn: "created_at" } });
    expect(moved.body.schedule).toMatchObject({ incrementalColumn: "created_at", highWaterMark: null });
  });
});

describe("Runs", () => {
  const insertRun = (tenantId: string, scheduleId: string, id: string, state: string) =>
    env.DB.prepare(
      `insert into runs (id, tenant_id, schedule_id, state, trigger, incremental, page, counters, percent_complete, created_at, updated_at)
       values (?, ?, ?, ?, 'manual', 0, 0, '{"rowsRead":0}', 0, ?, ?)`,
    )
      .bind(id, tenantId, scheduleId, state, Date.now(), Date.now())
      .run();

  it("never has two unfinished Runs of one Schedule, and keeps a Schedule while its Run goes on", async () => {
    const { ws, as, usersSource } = await sampleWorkspace("runs");
    const schedule = (await api("POST", "/schedules", { as, body: { sourceId: usersSource.id, name: "S" } })).body.schedule;
    await insertRun(ws.workspace.id, schedule.id, "run_aaaaaaaaaaaaaaaaaaaaaaaa", "running");
    await expect(insertRun(ws.workspace.id, schedule.id, "run_bbbbbbbbbbbbbbbbbbbbbbbb", "draft")).rejects.toThrow(/UNIQUE/);
    await insertRun(ws.workspace.id, schedule.id, "run_cccccccccccccccccccccccc", "complete");

    const listed = await api("GET", `/runs?scheduleId=${schedule.id}`, { as });
    expect(listed.body.runs.map((r: { state: string }) => r.state).sort()).toEqual(["complete", "running"]);
    expect((await api("GET", "/runs?state=running", { as })).body.runs).toHaveLength(1);
    expect((await api("GET", "/runs/run_aaaaaaaaaaaaaaaaaaaaaaaa", { as })).body.run).toMatchObject({ state: "running", scheduleId: schedule.id });
    expect((await api("GET", "/runs?state=exploded", { as })).status).toBe(400);

    const refused = await api("DELETE", `/schedules/${schedule.id}`, { as });
    expect(refused.status).toBe(409);
    expect(refused.body.error.details.runId).toBe("run_aaaaaaaaaaaaaaaaaaaaaaaa");
  });
});
