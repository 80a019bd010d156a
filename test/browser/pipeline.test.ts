import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { purchasesOf, user } from "../../plugins/sample/dataset";
import { POSTGRES_FIXTURE } from "../support/customer-databases";
import { eventually, StackCaller, triggerCron } from "./support/stack";

const CUSTOMERS = 300;

async function sampleImport(label: string) {
  const as = await StackCaller.signUp(label);
  const { app } = await as.ok("POST", "/apps", { name: "Demo", plugin: "sample", type: "sample", options: { customers: CUSTOMERS } });
  const users = (
    await as.ok("POST", "/sources", { appId: app.id, name: "Users", type: "table", options: { collection: "users" }, identity: { column: "email", propertyKey: "email", propertyType: "email" } })
  ).source;
  const define = (sourceId: string, body: Record<string, unknown>) => as.ok("POST", "/properties", { type: "string", sourceId, ...body });
  await define(users.id, { key: "user_id", type: "integer", unique: true, column: "id" });
  await define(users.id, { key: "first_name", column: "first_name" });
  const purchases = (
    await as.ok("POST", "/sources", { appId: app.id, name: "Purchases", type: "table", role: "enrich", options: { collection: "purchases" }, identity: { column: "user_id", propertyKey: "user_id" } })
  ).source;
  await define(purchases.id, { key: "ltv", type: "float", column: "amount", aggregation: "sum" });
  const { schedule } = await as.ok("POST", "/schedules", { sourceId: users.id, name: "All users" });
  return { as, schedule };
}

const expectedLtv = (g: number) => purchasesOf(g).reduce((cents, p) => cents + Math.round(Number(p.amount) * 100), 0) / 100;

describe("a Run imports a Source into one complete Record per person", { timeout: 240_000 }, () => {
  it("creates each Record once, hydrated from every Source, and a second Run changes nothing", async () => {
    const { as, schedule } = await sampleImport("pipeline");
    const first = await as.run(schedule.id);
    expect(first).toMatchObject({ state: "complete", percentComplete: 100, rowsTotal: CUSTOMERS });
    expect(first.counters).toMatchObject({ rowsRead: CUSTOMERS, importsCreated: CUSTOMERS, recordsCreated: CUSTOMERS, recordsUpdated: 0, errors: 0 });
    expect(first.reason).toContain(`Read ${CUSTOMERS} rows: ${CUSTOMERS} Records created`);

    for (const g of [1, 150, CUSTOMERS]) {
      const record = await as.recordBy("email", user(g).email as string);
      expect(record?.properties).toMatchObject({ user_id: String(g), first_name: user(g).first_name });
      expect(Number(record!.properties.ltv)).toBeCloseTo(expectedLtv(g), 2);
    }
    const all = await as.ok("GET", "/records?limit=200");
    expect(all.records).toHaveLength(200);

    const second = await as.run(schedule.id);
    expect(second.counters).toMatchObject({ rowsRead: CUSTOMERS, recordsCreated: 0, recordsUpdated: 0, recordsUnchanged: CUSTOMERS, errors: 0 });
    const detail = (await as.ok("GET", `/records/${(await as.recordBy("email", user(5).email as string))!.id}`)).record;
    expect(detail.timeline.filter((e: { kind: string }) => e.kind === "change")).toHaveLength(1);
    expect(detail.timeline.filter((e: { kind: string }) => e.kind === "import")).toHaveLength(2);
  });
});

describe("the every-minute Cron Trigger", { timeout: 240_000 }, () => {
  it("starts a Run of each due Schedule once, and not again until its next time", async () => {
    const { as, schedule } = await sampleImport("cron");
    await as.ok("PATCH", `/schedules/${schedule.id}`, { everyMinutes: 60 });
    await triggerCron();
    const { runs } = await as.ok("GET", `/runs?scheduleId=${schedule.id}`);
    expect(runs).toHaveLength(1);
    expect(runs[0].trigger).toBe("schedule");
    const next = new Date((await as.ok("GET", `/schedules/${schedule.id}`)).schedule.nextRunAt).getTime();
    expect(next).toBeGreaterThan(Date.now() + 55 * 60_000);
    expect((await as.waitForRun(runs[0].id)).state).toBe("complete");

    await triggerCron();
    expect((await as.ok("GET", `/runs?scheduleId=${schedule.id}`)).runs).toHaveLength(1);
  });
});

describe("an incremental Postgres Schedule", { timeout: 240_000 }, () => {
  const table = `e2e_users_${Date.now().toString(36)}`;
  const sql = postgres({ ...POSTGRES_FIXTURE, onnotice: () => {} });
  beforeAll(async () => {
    await sql.unsafe(`create table ${table} as select id, email, first_name, updated_at from users where id <= 200`);
    await sql.unsafe(`alter table ${table} add primary key (id)`);
  });
  afterAll(async () => {
    await sql.unsafe(`drop table if exists ${table}`);
    await sql.end();
  });

  it("reads only rows past its high-water mark and updates exactly the Records whose rows changed", async () => {
    const as = await StackCaller.signUp("incremental");
    const { app } = await as.ok("POST", "/apps", { name: "Warehouse", plugin: "postgres", type: "postgres", options: { ...POSTGRES_FIXTURE, ssl: "disable" } });
    const { source } = await as.ok("POST", "/sources", {
      appId: app.id,
      name: "Users",
      type: "table",
      options: { table },
      identity: { column: "email", propertyKey: "email", propertyType: "email" },
    });
    await as.ok("POST", "/properties", { key: "first_name", type: "string", sourceId: source.id, column: "first_name" });
    // Hourly, so the minute's scheduled work never starts a Run of its own between the two started here.
    const { schedule } = await as.ok("POST", "/schedules", { sourceId: source.id, name: "Changed users", everyMinutes: 60, incrementalColumn: "updated_at" });

    const first = await as.run(schedule.id);
    expect(first.counters).toMatchObject({ rowsRead: 200, recordsCreated: 200 });
    const mark = (await as.ok("GET", `/schedules/${schedule.id}`)).schedule.highWaterMark;
    expect(mark).not.toBeNull();

    await sql.unsafe(`update ${table} set first_name = 'Changed', updated_at = now() where id in (7, 8, 9)`);
    const second = await as.run(schedule.id);
    // Rows at the old mark are read again (the mark is inclusive), but only the three changed rows change Records.
    expect(second.counters.rowsRead).toBeLessThan(10);
    expect(second.counters).toMatchObject({ recordsCreated: 0, recordsUpdated: 3, errors: 0 });
    const changed = await as.recordBy("email", "user8@example.com");
    expect(changed?.properties.first_name).toBe("Changed");
  });
});

describe("imports by API", () => {
  it("update Records within seconds, and concurrent duplicates of a new person make one Record", async () => {
    const as = await StackCaller.signUp("apiimports");
    const { app } = await as.ok("POST", "/apps", { name: "Website", plugin: "push", type: "push" });
    const { source } = await as.ok("POST", "/sources", { appId: app.id, name: "Signups", type: "push" });
    await as.ok("POST", "/properties", { key: "email", type: "email", unique: true, sourceId: source.id, column: "email" });
    await as.ok("POST", "/properties", { key: "plan", type: "string", sourceId: source.id, column: "plan" });
    const { secret } = await as.ok("POST", "/api-keys", { name: "site", scopes: ["write:imports", "read:records"] });
    const key = as.withKey(secret);

    const sent = await Promise.all(Array.from({ length: 8 }, (_, i) => key.call("POST", "/imports", { email: "New.Person@Example.com", plan: `plan-${i}` })));
    expect(sent.map((r) => r.status)).toEqual(Array(8).fill(202));
    const record = await eventually(
      () => key.recordBy("email", "new.person@example.com"),
      (r) => r !== null,
    );
    await eventually(
      async () => (await key.ok("GET", `/records?property=email&value=new.person%40example.com`)).records,
      (records) => records.length === 1 && String(records[0].properties.plan).startsWith("plan-"),
    );

    const updated = await key.call("POST", "/imports", { email: "new.person@example.com", plan: "enterprise" });
    expect(updated.status).toBe(202);
    const settled = await eventually(
      () => key.recordBy("email", "new.person@example.com"),
      (r) => r?.properties.plan === "enterprise",
      10_000,
    );
    expect(settled!.id).toBe(record!.id);
  });
});

describe("stopping", { timeout: 240_000 }, () => {
  // Last in the file: a stopped Run's stored page is still hydrated after the test ends, and the tests above time their Runs.
  it("stops a Run by hand, with the reason, and refuses a second start while one is going", async () => {
    const { as, schedule } = await sampleImport("stopping");
    const { run } = await as.ok("POST", `/schedules/${schedule.id}/runs`);
    const again = await as.call("POST", `/schedules/${schedule.id}/runs`);
    expect(again.status).toBe(409);
    const stopped = await as.call("POST", `/runs/${run.id}/stop`);
    if (stopped.status === 409) {
      // The Run finished first: stopping a finished Run is refused and says why.
      expect(stopped.body.error.message).toMatch(/already complete/);
    } else {
      expect(stopped.body.run).toMatchObject({ state: "stopped", reason: expect.stringMatching(/Stopped by a person/) });
    }
    expect((await as.waitForRun(run.id)).finishedAt).not.toBeNull();
  });
});
