import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterAll, describe, expect, it } from "vitest";
import { recordObjectName } from "../../durable-objects/record-object";
import { createDb } from "../../worker/db/client";
import { TenantScope } from "../../worker/db/tenant-scope";
import { confirmRecords } from "../../worker/pipeline/confirm-records";
import { finishRunIfDone } from "../../worker/runs/lifecycle";
import { api, type Caller, signUp, tableCounts } from "../support/api";
import { exportsBecome, exportsTo } from "../support/exports";
import { POSTGRES_FIXTURE } from "../support/customer-databases";
import { planOf, recordingD1 } from "../support/query-plans";
import { adminSql, scratchTable } from "./plugins/postgres-support";

const sql = adminSql();
const tables: string[] = [];
afterAll(async () => {
  for (const table of tables) await sql.unsafe(`drop table if exists ${table}`);
  await sql.end();
});

const email = (n: number) => `person${n}@example.com`;

/** A customer table of `count` people, ids 1..count, in the real PostgreSQL. */
async function peopleTable(count: number) {
  const table = scratchTable("confirm");
  tables.push(table);
  await sql.unsafe(`create table ${table} (id int primary key, email text not null, first_name text)`);
  await sql.unsafe(`insert into ${table} select i, 'person' || i || '@example.com', 'First ' || i from generate_series(1, ${count}) i`);
  return table;
}

/** A workspace reading `table` through a PostgreSQL App, identified by email, with a Schedule of the given options. */
async function warehouse(label: string, table: string, scheduleOptions: Record<string, unknown>) {
  const ws = await signUp(label);
  const as: Caller = ws.owner;
  const created = async (path: string, body: Record<string, unknown>) => {
    const res = await api("POST", path, { as, body });
    if (res.status !== 201) throw new Error(`${path}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  };
  const { app } = await created("/apps", { name: "Warehouse", plugin: "postgres", type: "postgres", options: { ...POSTGRES_FIXTURE, ssl: "disable" } });
  const { source } = await created("/sources", {
    appId: app.id,
    name: "People",
    type: "table",
    options: { table },
    identity: { column: "email", propertyKey: "email", propertyType: "email" },
  });
  await created("/properties", { key: "first_name", type: "string", sourceId: source.id, column: "first_name" });
  const { schedule } = await created("/schedules", { sourceId: source.id, name: "Everyone", ...scheduleOptions });
  return { ws, as, app, source, schedule, scope: new TenantScope(createDb(env.DB), ws.workspace.id) };
}

async function run(as: Caller, scheduleId: string) {
  const started = await api("POST", `/schedules/${scheduleId}/runs`, { as });
  if (started.status !== 201) throw new Error(JSON.stringify(started.body));
  for (let i = 0; i < 600; i++) {
    const current = (await api("GET", `/runs/${started.body.run.id}`, { as })).body.run;
    if (!["draft", "running"].includes(current.state)) return current;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`Run ${started.body.run.id} did not finish`);
}

/** Every Record of the workspace by email, with when it went missing. */
async function recordsByEmail(as: Caller) {
  const { records } = (await api("GET", "/records?limit=200", { as })).body;
  return new Map<string, { id: string; missingSince: string | null }>(records.map((r: { id: string; missingSince: string | null; properties: { email: string } }) => [r.properties.email, r]));
}

const removalEntries = async (as: Caller) => (await api("GET", "/audit-log?action=run.remove_missing", { as })).body.entries;

const objectState = (tenantId: string, recordId: string) =>
  runInDurableObject(env.RECORDS.get(env.RECORDS.idFromName(recordObjectName(tenantId, recordId))), (_instance, state) => state.storage.kv.get("state") ?? null);

describe("a Schedule that confirms Records", { timeout: 120_000 }, () => {
  it("marks exactly the Record whose row disappeared, keeps when it first went missing, and clears the mark when the row is back", async () => {
    const table = await peopleTable(12);
    const { as, schedule } = await warehouse("confirm", table, { confirmRecords: true });
    const first = await run(as, schedule.id);
    expect(first).toMatchObject({ state: "complete", counters: { rowsRead: 12, recordsCreated: 12, recordsMissing: 0, recordsRemoved: 0 } });

    await sql.unsafe(`delete from ${table} where id = 5`);
    const second = await run(as, schedule.id);
    expect(second).toMatchObject({ state: "complete", counters: { rowsRead: 11, recordsMissing: 1, recordsRemoved: 0 } });
    expect(second.reason).toContain("1 missing from the Source");
    const records = await recordsByEmail(as);
    expect(records.size).toBe(12);
    expect([...records].filter(([, r]) => r.missingSince !== null).map(([e]) => e)).toEqual([email(5)]);
    const since = records.get(email(5))!.missingSince;
    expect((await api("GET", `/records/${records.get(email(5))!.id}`, { as })).body.record.missingSince).toBe(since);

    const third = await run(as, schedule.id);
    expect(third.counters.recordsMissing).toBe(1);
    expect((await recordsByEmail(as)).get(email(5))!.missingSince).toBe(since);

    await sql.unsafe(`insert into ${table} values (5, '${email(5)}', 'Back')`);
    const fourth = await run(as, schedule.id);
    expect(fourth.counters).toMatchObject({ rowsRead: 12, recordsMissing: 0 });
    expect(fourth.reason).not.toContain("missing");
    expect([...(await recordsByEmail(as)).values()].every((r) => r.missingSince === null)).toBe(true);
  });

  it("with removeMissing, removes the missing Records with their values, identities and object state, and audits the removal once", async () => {
    const table = await peopleTable(10);
    const { ws, as, schedule } = await warehouse("remove", table, { confirmRecords: true, removeMissing: true });
    await run(as, schedule.id);
    const before = await recordsByEmail(as);
    const gone = [before.get(email(3))!.id, before.get(email(4))!.id];
    expect(await objectState(ws.workspace.id, gone[0]!)).not.toBeNull();

    await sql.unsafe(`delete from ${table} where id in (3, 4)`);
    const second = await run(as, schedule.id);
    expect(second).toMatchObject({ state: "complete", counters: { rowsRead: 8, recordsMissing: 2, recordsRemoved: 2, errors: 0 } });
    expect(second.reason).toContain("2 missing from the Source, 2 removed");
    for (const id of gone) {
      expect((await api("GET", `/records/${id}`, { as })).status).toBe(404);
      expect(await objectState(ws.workspace.id, id)).toBeNull();
      for (const t of ["record_properties", "record_identities"]) {
        expect((await env.DB.prepare(`select count(*) as n from ${t} where record_id = ?`).bind(id).first<{ n: number }>())!.n).toBe(0);
      }
    }
    expect((await recordsByEmail(as)).size).toBe(8);
    const entries = await removalEntries(as);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ actorType: "system", targetType: "run", targetId: second.id, after: { removed: 2 } });
    expect([...entries[0].after.recordIds].sort()).toEqual([...gone].sort());

    // A redelivered message, or a late second consumer, changes nothing.
    expect(await finishRunIfDone(env, new TenantScope(createDb(env.DB), ws.workspace.id), second.id)).toBe(false);
    expect(await confirmRecords(env, new TenantScope(createDb(env.DB), ws.workspace.id), second.id)).toMatchObject({ done: true, missing: 2 });
    expect((await api("GET", `/runs/${second.id}`, { as })).body.run.counters).toMatchObject({ recordsMissing: 2, recordsRemoved: 2 });
    expect(await removalEntries(as)).toHaveLength(1);

    // The person coming back is a new Record, holding nothing of the old one.
    await sql.unsafe(`insert into ${table} values (3, '${email(3)}', 'Returned')`);
    const third = await run(as, schedule.id);
    expect(third.counters).toMatchObject({ recordsCreated: 1, recordsMissing: 0, recordsRemoved: 0 });
    const back = (await recordsByEmail(as)).get(email(3))!;
    expect(gone).not.toContain(back.id);
  });

  it("with removeMissing, removes the Records from the sync Destinations that hold them, and additive ones keep them", async () => {
    const table = await peopleTable(4);
    const { as, schedule } = await warehouse("removesent", table, { confirmRecords: true, removeMissing: true });
    const outbox = (await api("POST", "/apps", { as, body: { name: "Outbox", plugin: "inspector", type: "inspector" } })).body.app;
    const destination = async (name: string, syncMode: string) => {
      const created = await api("POST", "/destinations", { as, body: { appId: outbox.id, type: "inspector", name, syncMode, mapping: [{ remote: "name", property: "first_name" }] } });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      return created.body.destination.id as string;
    };
    const [synced, kept] = [await destination("Synced", "sync"), await destination("Kept", "additive")];
    await run(as, schedule.id);
    await exportsBecome(synced, (r) => r.length === 4 && r.every((e) => e.state === "complete"));
    await exportsBecome(kept, (r) => r.length === 4 && r.every((e) => e.state === "complete"));
    const gone = (await recordsByEmail(as)).get(email(2))!.id;
    const holds = (destinationId: string) =>
      env.DB.prepare("select payload from destination_records where destination_id = ? and record_id = ?").bind(destinationId, gone).first<string>("payload");

    await sql.unsafe(`delete from ${table} where id = 2`);
    expect(await run(as, schedule.id)).toMatchObject({ state: "complete", counters: { recordsRemoved: 1 } });
    const rows = await exportsBecome(synced, (r) => r.length === 5 && r.every((e) => e.state === "complete"));
    expect(rows.filter((r) => r.record_id === gone).map((r) => [r.to_delete, r.reason])).toEqual([
      [0, "Sent"],
      [1, "Removed"],
    ]);
    expect(await holds(synced)).toBeNull();
    expect(await exportsTo(kept)).toHaveLength(4);
    expect(JSON.parse((await holds(kept))!)).toEqual({ fields: { name: "First 2" }, lists: [] });
  });

  it("removes nothing after a Run that read no rows or had failed Imports, and says why", async () => {
    const table = await peopleTable(6);
    const { as, schedule } = await warehouse("noremove", table, { confirmRecords: true, removeMissing: true });
    await run(as, schedule.id);

    await sql.unsafe(`update ${table} set email = 'not an email' where id = 2`);
    const failing = await run(as, schedule.id);
    expect(failing.counters).toMatchObject({ errors: 1, recordsMissing: 1, recordsRemoved: 0 });
    expect(failing.reason).toContain("missing Records were not removed: 1 Imports failed");

    await sql.unsafe(`delete from ${table}`);
    const empty = await run(as, schedule.id);
    expect(empty).toMatchObject({ state: "complete", counters: { rowsRead: 0, recordsMissing: 6, recordsRemoved: 0 } });
    expect(empty.reason).toContain("missing Records were not removed: the Run read no rows");
    const records = await recordsByEmail(as);
    expect(records.size).toBe(6);
    expect([...records.values()].every((r) => r.missingSince !== null)).toBe(true);
    expect(await removalEntries(as)).toHaveLength(0);
  });
});

describe("confirming Records under load and at once", { timeout: 120_000 }, () => {
  /** A Run left as its last Import settled, about to be confirmed: it saw only the people numbered in `seen`. */
  async function settledRun(label: string, people: number, seen: number[]) {
    const table = await peopleTable(people);
    const setup = await warehouse(label, table, { confirmRecords: true, removeMissing: true });
    await run(setup.as, setup.schedule.id);
    const records = await recordsByEmail(setup.as);
    const tenantId = setup.ws.workspace.id;
    const runId = `run_${label}${"x".repeat(24)}`.slice(0, 28);
    const now = Date.now();
    await env.DB.prepare(
      `insert into runs (id, tenant_id, schedule_id, source_id, state, trigger, incremental, page, read_complete, counters, percent_complete, started_at, created_at, updated_at)
       values (?, ?, ?, ?, 'running', 'manual', 0, 1, 1, ?, 0, ?, ?, ?)`,
    )
      .bind(runId, tenantId, setup.schedule.id, setup.source.id, JSON.stringify({ rowsRead: seen.length, errors: 0, recordsMissing: 0, recordsRemoved: 0 }), now, now, now)
      .run();
    await env.DB.batch(
      seen.map((n) =>
        env.DB.prepare(`insert into imports (id, tenant_id, source_id, run_id, page, via, record_id, data, state, created_at) values (?, ?, ?, ?, 0, 'run', ?, '{}', 'processed', ?)`).bind(
          `imp_${runId}_${n}`,
          tenantId,
          setup.source.id,
          runId,
          records.get(email(n))!.id,
          now,
        ),
      ),
    );
    return { ...setup, runId, records };
  }

  it("two consumers finishing at once remove each missing Record once, count it once and audit it once", async () => {
    const { as, scope, runId } = await settledRun("twice", 30, [1, 2, 3, 4, 5]);
    const finished = await Promise.all([finishRunIfDone(env, scope, runId), finishRunIfDone(env, scope, runId)]);
    expect(finished.filter(Boolean)).toHaveLength(1);
    const done = (await api("GET", `/runs/${runId}`, { as })).body.run;
    expect(done).toMatchObject({ state: "complete", counters: { recordsMissing: 25, recordsRemoved: 25 } });
    expect([...(await recordsByEmail(as)).keys()].sort()).toEqual([1, 2, 3, 4, 5].map(email).sort());
    const entries = await removalEntries(as);
    expect(entries).toHaveLength(1);
    expect(entries[0].after).toMatchObject({ removed: 25 });
    expect(entries[0].after.recordIds).toHaveLength(25);
  });

  it("removes a few steps per call, leaving the Run running until the last call completes it", async () => {
    const { as, scope, runId, records } = await settledRun("steps", 25, [10]);
    const limits = { step: 4, steps: 2 };
    const calls: Awaited<ReturnType<typeof confirmRecords>>[] = [];
    do {
      calls.push(await confirmRecords(env, scope, runId, limits));
      expect((await api("GET", `/runs/${runId}`, { as })).body.run.state).toBe("running");
    } while (calls.at(-1)?.done === false && calls.length < 10);
    // 24 missing, at most 8 a call: three calls remove them, a fourth finds none left.
    expect(calls.map((c) => c?.done)).toEqual([false, false, false, true]);
    expect(calls.at(-1)).toEqual({ done: true, missing: 24 });
    expect(await finishRunIfDone(env, scope, runId)).toBe(true);
    const done = (await api("GET", `/runs/${runId}`, { as })).body.run;
    expect(done.counters).toMatchObject({ recordsMissing: 24, recordsRemoved: 24 });
    expect([...(await recordsByEmail(as)).values()].map((r) => r.id)).toEqual([records.get(email(10))!.id]);
    const entries = await removalEntries(as);
    expect(entries).toHaveLength(1);
    expect(entries[0].after).toMatchObject({ removed: 24 });
  });

  it("keeps removing through queued finish messages until the Run completes", async () => {
    const { as, scope, runId, records } = await settledRun("queued", 12, [3]);
    expect(await confirmRecords(env, scope, runId, { step: 4, steps: 1 })).toEqual({ done: false });
    await env.RUN_PAGES.send({ kind: "finish-run", tenantId: scope.tenantId, runId });
    let current = (await api("GET", `/runs/${runId}`, { as })).body.run;
    for (let i = 0; i < 300 && current.state === "running"; i++) {
      await new Promise((r) => setTimeout(r, 100));
      current = (await api("GET", `/runs/${runId}`, { as })).body.run;
    }
    expect(current).toMatchObject({ state: "complete", counters: { recordsMissing: 11, recordsRemoved: 11 } });
    expect([...(await recordsByEmail(as)).values()].map((r) => r.id)).toEqual([records.get(email(3))!.id]);
  });

  it("reads the Run's unseen Records through indexes, never scanning the Run's Imports per Record", async () => {
    const { ws, runId } = await settledRun("plans", 5, [1]);
    const statements: string[] = [];
    const scope = new TenantScope(createDb(recordingD1(statements)), ws.workspace.id);
    await confirmRecords(env, scope, runId);
    const unseen = statements.filter((s) => s.includes("record_identities ri"));
    expect(unseen.length).toBeGreaterThanOrEqual(4);
    for (const statement of unseen) {
      const plan = await planOf(statement);
      expect(plan, statement).toContain("SEARCH ri USING INDEX sqlite_autoindex_record_identities_1 (tenant_id=? AND property_id=?)");
      expect(plan, statement).toContain("SEARCH i USING INDEX imports_run_record_idx (run_id=? AND record_id=?)");
    }
    // Records are reached by id, never by reading the whole workspace's through the tenant index.
    const onRecords = statements.filter((s) => /^(update|delete from) records/.test(s));
    expect(onRecords).toHaveLength(3);
    for (const statement of onRecords) expect(await planOf(statement), statement).toMatch(/^SEARCH records USING INDEX sqlite_autoindex_records_1 \(id=\?\)/);
  });
});

describe("confirmRecords is refused where absence proves nothing", () => {
  it("on incremental Schedules and Sources without an identity column, naming the field and saving nothing", async () => {
    const table = await peopleTable(3);
    const { as, app, source, schedule } = await warehouse("confirmbad", table, { confirmRecords: true });
    const pushApp = (await api("POST", "/apps", { as, body: { name: "Backend", plugin: "push", type: "push" } })).body.app;
    const pushSource = (await api("POST", "/sources", { as, body: { appId: pushApp.id, name: "Pushed", type: "push" } })).body.source;
    const enrich = (
      await api("POST", "/sources", {
        as,
        body: { appId: app.id, name: "Extra", type: "table", role: "enrich", options: { table }, identity: { column: "email", propertyKey: "email" } },
      })
    ).body.source;
    const before = await tableCounts();
    const refusals: [string, string, Record<string, unknown>, RegExp][] = [
      ["POST", "/schedules", { sourceId: source.id, name: "x", confirmRecords: true, incrementalColumn: "id" }, /incremental/],
      ["PATCH", `/schedules/${schedule.id}`, { incrementalColumn: "id" }, /incremental/],
      ["POST", "/schedules", { sourceId: pushSource.id, name: "x", confirmRecords: true }, /no identity column/],
      ["POST", "/schedules", { sourceId: enrich.id, name: "x", confirmRecords: true, removeMissing: true }, /enrich/],
    ];
    for (const [method, path, body, why] of refusals) {
      const res = await api(method, path, { as, body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.details.field).toBe("confirmRecords");
      expect(res.body.error.message).toMatch(why);
    }
    expect(await tableCounts()).toEqual(before);
    expect((await api("GET", `/schedules/${schedule.id}`, { as })).body.schedule).toMatchObject({ incrementalColumn: null, confirmRecords: true });
  });
});
