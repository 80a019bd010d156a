import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { recordObjectName } from "../../durable-objects/record-object";
import { sendExports } from "../../worker/exports/send";
import { api, createKey, type Caller } from "../support/api";
import { MYSQL_FIXTURE } from "../support/customer-databases";
import { exportsBecome, exportsTo, type ExportRow } from "../support/exports";
import { importPeople } from "../support/import-people";
import { pushWorkspace } from "../support/push-workspace";
import { withAdmin } from "./plugins/mysql-support";

/** This file's own database, so its tables never meet the fixture's or another file's. */
const DATABASE = "gf_destination_mysql";
const appOptions = { host: MYSQL_FIXTURE.host, port: MYSQL_FIXTURE.port, database: DATABASE, user: MYSQL_FIXTURE.user, password: "", ssl: "disable" };

const TABLES = [
  `create table mydest_people (external_id varchar(64) primary key, plan varchar(32) not null, score decimal(6,2), visits int, active boolean,
    signed_up date, signed_up_at datetime(3), tags json, tag_list varchar(200), note varchar(50) default 'untouched')`,
  "create table mydest_kept (external_id varchar(64) primary key, plan varchar(32))",
  "create table mydest_flagged (external_id varchar(64) primary key, plan varchar(32), gone boolean not null default 0)",
  "create table mydest_enriched (external_id varchar(64) primary key, plan varchar(32), visits int, signed_up_at datetime(3), note varchar(50))",
  "create table mydest_listed (external_id varchar(64) primary key, plan varchar(32))",
  `create table mydest_list_members (external_id varchar(64) not null, list varchar(64) not null, primary key (external_id, list),
    foreign key (external_id) references mydest_listed (external_id) on delete cascade)`,
  "create table mydest_no_list (external_id varchar(64) not null, name varchar(64))",
  "create table mydest_picky (external_id varchar(64) primary key, plan varchar(8))",
  "create table mydest_reachable (external_id varchar(64) primary key, plan varchar(32))",
  "create view mydest_people_view as select external_id, plan from mydest_people",
  // A key in other letters' case: the column's case-insensitive collation still finds it.
  "insert into mydest_enriched values ('E1', 'old', null, null, 'kept by the customer')",
];

let as: Caller;
let tenantId: string;
let importKey: string;
let appId: string;
const recordOf = new Map<string, string>();

const people = (ids: string[]) => ids.map((id) => recordOf.get(id)!);

async function members(groupId: string, ids: string[], change: "add" | "remove") {
  const res = await api("POST", `/groups/${groupId}/members${change === "remove" ? "/remove" : ""}`, { as, body: { recordIds: people(ids) } });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
}

/** Waits until each Record's object has taken a change to a manual Group, so what it decided next is settled. */
async function handedOver(groupId: string, ids: string[], inGroup: boolean) {
  for (const id of ids) {
    const object = env.RECORDS.get(env.RECORDS.idFromName(recordObjectName(tenantId, recordOf.get(id)!)));
    let groups: string[] = [];
    for (let i = 0; i < 300; i++) {
      groups = (await object.current())?.manualGroups ?? [];
      if (groups.includes(groupId) === inGroup) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(groups.includes(groupId)).toBe(inGroup);
  }
}

async function group(name: string) {
  return (await api("POST", "/groups", { as, body: { name, type: "manual" } })).body.group.id as string;
}

/** A table Destination collecting a manual Group of its own, so each test sends exactly the people it puts there. */
async function tableDestination(name: string, options: Record<string, unknown>, mapping: [string, string][], extra: Record<string, unknown> = {}, app = appId) {
  const groupId = await group(`${name} people`);
  const created = await api("POST", "/destinations", {
    as,
    body: { appId: app, type: "table", name, options, groupId, mapping: mapping.map(([remote, property]) => ({ remote, property })), ...extra },
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return { id: created.body.destination.id as string, groupId };
}

const settled = (count: number) => (rows: ExportRow[]) => rows.length === count && rows.every((e) => e.state === "complete" || e.state === "failed");
const exportOf = (rows: ExportRow[], id: string) => rows.filter((r) => r.record_id === recordOf.get(id)).at(-1)!;

/** The table's rows as the server returns them: DECIMAL as text, BOOLEAN as 0/1, DATETIME as UTC. */
const rowsOf = (table: string) => withAdmin(async (admin) => (await admin.execute(`select * from \`${DATABASE}\`.\`${table}\` order by external_id`)).rows);

beforeAll(async () => {
  const ws = await pushWorkspace("mysqldestination");
  as = ws.as;
  tenantId = ws.ws.workspace.id;
  importKey = (await createKey(as, ["write:imports"])).secret;
  for (const [key, type] of [["score", "float"], ["visits", "integer"], ["active", "boolean"], ["signed_up", "date"]]) {
    const res = await api("POST", "/properties", { as, body: { key, type, sourceId: ws.pushSource.id, column: key } });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
  }
  await withAdmin(async (admin) => {
    await admin.command(`drop database if exists \`${DATABASE}\``);
    await admin.command(`create database \`${DATABASE}\``);
    await admin.command(`use \`${DATABASE}\``);
    for (const statement of TABLES) await admin.command(statement);
  });
  const app = await api("POST", "/apps", { as, body: { name: "Shop database", plugin: "mysql", type: "mysql", options: appOptions } });
  expect(app.status, JSON.stringify(app.body)).toBe(201);
  appId = app.body.app.id;
});

describe("the MySQL table Destination", { timeout: 30_000 }, () => {
  it("upserts each Record as a row holding its values in the columns' own types, updates it when the Record changes, and deletes it when it leaves", async () => {
    const { id, groupId } = await tableDestination("People", { table: "mydest_people", keyColumn: "external_id" }, [
      ["external_id", "external_id"],
      ["plan", "plan"],
      ["score", "score"],
      ["visits", "visits"],
      ["active", "active"],
      ["signed_up", "signed_up"],
      ["signed_up_at", "signed_up"],
      ["tags", "tags"],
      ["tag_list", "tags"],
    ]);
    await importPeople(importKey, [
      { external_id: "p1", plan: "pro", score: 4.5, visits: 12, active: true, signed_up: "2024-03-05T10:11:12Z", tags: ["red", "blue"] },
      { external_id: "p2", plan: "free", active: false },
    ], recordOf);
    await members(groupId, ["p1", "p2"], "add");
    const sent = await exportsBecome(id, settled(2));
    expect(sent.map((e) => [e.state, e.reason])).toEqual([["complete", "Sent"], ["complete", "Sent"]]);
    expect(await rowsOf("mydest_people")).toEqual([
      {
        external_id: "p1", plan: "pro", score: "4.50", visits: 12, active: 1, signed_up: "2024-03-05", signed_up_at: "2024-03-05T10:11:12.000Z",
        tags: '["red","blue"]', tag_list: "red, blue", note: "untouched",
      },
      { external_id: "p2", plan: "free", score: null, visits: null, active: 0, signed_up: null, signed_up_at: null, tags: "[]", tag_list: null, note: "untouched" },
    ]);
    // The key is the row's remote id, so the core knows which row each Record has.
    const held = await env.DB.prepare("select record_id, remote_id from destination_records where destination_id = ?").bind(id).all<{ record_id: string; remote_id: string }>();
    expect(Object.fromEntries(held.results.map((r) => [r.record_id, r.remote_id]))).toEqual({ [recordOf.get("p1")!]: "p1", [recordOf.get("p2")!]: "p2" });

    await importPeople(importKey, [{ external_id: "p1", plan: "team", visits: 13 }], recordOf);
    await exportsBecome(id, settled(3));
    expect((await rowsOf("mydest_people"))[0]).toMatchObject({ external_id: "p1", plan: "team", visits: 13, note: "untouched" });

    await members(groupId, ["p2"], "remove");
    const after = await exportsBecome(id, settled(4));
    expect(exportOf(after, "p2")).toMatchObject({ state: "complete", to_delete: 1, reason: "Removed" });
    expect((await rowsOf("mydest_people")).map((r) => r.external_id)).toEqual(["p1"]);
  });

  it("keeps the row of a Record that leaves in additive mode", async () => {
    const { id, groupId } = await tableDestination("Kept", { table: "mydest_kept", keyColumn: "external_id" }, [["external_id", "external_id"], ["plan", "plan"]], { syncMode: "additive" });
    await importPeople(importKey, [{ external_id: "k1", plan: "pro" }], recordOf);
    await members(groupId, ["k1"], "add");
    await exportsBecome(id, settled(1));
    await members(groupId, ["k1"], "remove");
    // Once the Record's object has taken the change, it has decided to keep what was sent.
    await handedOver(groupId, ["k1"], false);
    const object = env.RECORDS.get(env.RECORDS.idFromName(recordObjectName(tenantId, recordOf.get("k1")!)));
    expect((await object.current())?.destinations?.[id]?.payload).toMatchObject({ fields: { plan: "pro" } });
    expect((await exportsTo(id)).map((e) => e.to_delete)).toEqual([0]);
    expect(await rowsOf("mydest_kept")).toEqual([{ external_id: "k1", plan: "pro" }]);
  });

  it("flags the row of a Record that leaves instead of deleting it, and clears the flag when it is written again", async () => {
    const { id, groupId } = await tableDestination("Flagged", { table: "mydest_flagged", keyColumn: "external_id", onLeave: "flag", flagColumn: "gone" }, [["external_id", "external_id"], ["plan", "plan"]]);
    await importPeople(importKey, [{ external_id: "f1", plan: "pro" }, { external_id: "f2", plan: "free" }], recordOf);
    await members(groupId, ["f1", "f2"], "add");
    await exportsBecome(id, settled(2));
    await members(groupId, ["f1"], "remove");
    await exportsBecome(id, settled(3));
    expect(await rowsOf("mydest_flagged")).toEqual([
      { external_id: "f1", plan: "pro", gone: 1 },
      { external_id: "f2", plan: "free", gone: 0 },
    ]);
    // Changed while outside the collection, it comes back with its new plan and without the flag.
    await importPeople(importKey, [{ external_id: "f1", plan: "team" }], recordOf);
    await members(groupId, ["f1"], "add");
    await exportsBecome(id, settled(4));
    expect((await rowsOf("mydest_flagged"))[0]).toEqual({ external_id: "f1", plan: "team", gone: 0 });
  });

  it("only updates rows that are already there in enrich mode, found as the column's collation compares keys", async () => {
    const { id, groupId } = await tableDestination("Enriched", { table: "mydest_enriched", keyColumn: "external_id" }, [["external_id", "external_id"], ["plan", "plan"], ["visits", "visits"], ["signed_up_at", "signed_up"]], { syncMode: "enrich" });
    await importPeople(importKey, [{ external_id: "e1", plan: "pro", visits: 3, signed_up: "2024-03-05T10:11:12Z" }, { external_id: "e2", plan: "free" }], recordOf);
    await members(groupId, ["e1", "e2"], "add");
    const rows = await exportsBecome(id, settled(2));
    expect(exportOf(rows, "e1")).toMatchObject({ state: "complete", reason: "Sent" });
    expect(exportOf(rows, "e2")).toMatchObject({ state: "complete", reason: "no row with this key" });
    expect(await rowsOf("mydest_enriched")).toEqual([{ external_id: "E1", plan: "pro", visits: 3, signed_up_at: "2024-03-05T10:11:12.000Z", note: "kept by the customer" }]);
  });

  it("keeps Group memberships as rows of the memberships table", async () => {
    const vip = await group("Listed VIPs");
    const { id, groupId } = await tableDestination(
      "Listed",
      { table: "mydest_listed", keyColumn: "external_id", membershipsTable: "mydest_list_members" },
      [["external_id", "external_id"], ["plan", "plan"]],
      { groupLists: [{ groupId: vip, remote: "vip" }] },
    );
    await importPeople(importKey, [{ external_id: "l1", plan: "pro" }, { external_id: "l2", plan: "free" }], recordOf);
    await members(vip, ["l1", "l2"], "add");
    // In the list before they are in the collection, so each arrives once, already on it.
    await handedOver(vip, ["l1", "l2"], true);
    await members(groupId, ["l1", "l2"], "add");
    await exportsBecome(id, settled(2));
    const memberships = () => rowsOf("mydest_list_members");
    expect(await memberships()).toEqual([
      { external_id: "l1", list: "vip" },
      { external_id: "l2", list: "vip" },
    ]);
    await members(vip, ["l1"], "remove");
    await exportsBecome(id, settled(3));
    expect(await memberships()).toEqual([{ external_id: "l2", list: "vip" }]);
    await members(groupId, ["l2"], "remove");
    await exportsBecome(id, settled(4));
    expect(await memberships()).toEqual([]);
    expect((await rowsOf("mydest_listed")).map((r) => r.external_id)).toEqual(["l1"]);
  });

  it("refuses a mapping or options the table cannot take, naming what is wrong", async () => {
    const groupId = await group("Refused people");
    const attempt = async (options: Record<string, unknown>, mapping = [["external_id", "external_id"]]) => {
      const res = await api("POST", "/destinations", {
        as,
        body: { appId, type: "table", name: `Refused ${Math.random()}`, options, groupId, mapping: mapping.map(([remote, property]) => ({ remote, property })) },
      });
      return { status: res.status, message: String(res.body.error?.message), path: res.body.error?.details?.[0]?.path };
    };
    const peopleTable = { table: "mydest_people", keyColumn: "external_id" };
    expect(await attempt(peopleTable, [["external_id", "external_id"], ["plan", "plan"], ["nickname", "first_name"]])).toEqual({
      status: 400,
      message: expect.stringContaining('the Destination has no field "nickname"'),
      path: "mapping.2.remote",
    });
    expect(await attempt(peopleTable, [["external_id", "external_id"], ["visits", "active"]])).toEqual({ status: 400, message: expect.stringContaining('"visits" takes number values'), path: "mapping.1.property" });
    expect(await attempt(peopleTable, [["external_id", "external_id"]])).toEqual({ status: 400, message: expect.stringContaining('needs "plan" mapped'), path: "mapping" });
    // Refusals the table's catalog gives are answered like any invalid field, naming the option to change.
    expect(await attempt({ table: "mydest_people", keyColumn: "plan" }, [["plan", "plan"]])).toEqual({
      status: 400,
      message: expect.stringMatching(/^Invalid options\.keyColumn: Key column `plan` of `gf_destination_mysql`\.`mydest_people` has no primary key or unique index of its own/),
      path: "options.keyColumn",
    });
    expect(await attempt({ table: "mydest_people", keyColumn: "email" })).toEqual({
      status: 400,
      message: expect.stringMatching(/^Invalid options\.keyColumn: Key column `email` is not a writable column/),
      path: "options.keyColumn",
    });
    expect(await attempt({ table: "mydest_nowhere", keyColumn: "external_id" })).toEqual({
      status: 400,
      message: expect.stringMatching(/^Invalid options\.table: Table 'gf_destination_mysql\.mydest_nowhere' doesn't exist/),
      path: "options.table",
    });
    expect(await attempt({ table: "mydest_people_view", keyColumn: "external_id" })).toEqual({
      status: 400,
      message: expect.stringMatching(/^Invalid options\.table: "mydest_people_view" is a view; Records can only be written to a table/),
      path: "options.table",
    });
    expect(await attempt({ ...peopleTable, onLeave: "flag", flagColumn: "plan" })).toEqual({
      status: 400,
      message: expect.stringMatching(/^Invalid options\.flagColumn: Flag column `plan` is not a writable BOOLEAN or bit\(1\) column/),
      path: "options.flagColumn",
    });
    expect(await attempt({ ...peopleTable, onLeave: "flag" })).toMatchObject({ status: 400, message: expect.stringContaining("flagColumn") });
    expect(await attempt({ table: "mydest_listed", keyColumn: "external_id", membershipsTable: "mydest_no_list" })).toEqual({
      status: 400,
      message: expect.stringMatching(/^Invalid options\.membershipsTable: .*it has no column `list` for the list name/),
      path: "options.membershipsTable",
    });
    expect(await attempt({ table: "mydest_listed", keyColumn: "external_id", membershipsTable: "mydest_no_such_list" })).toEqual({
      status: 400,
      message: expect.stringMatching(/^Invalid options\.membershipsTable: Table 'gf_destination_mysql\.mydest_no_such_list' doesn't exist/),
      path: "options.membershipsTable",
    });
    // Changing a Destination's options is checked the same way, and a refused change leaves it as it was.
    const { id } = await tableDestination("Moved later", { table: "mydest_kept", keyColumn: "external_id" }, [["external_id", "external_id"]]);
    const moved = await api("PATCH", `/destinations/${id}`, { as, body: { options: { table: "mydest_gone", keyColumn: "external_id" } } });
    expect({ status: moved.status, message: moved.body.error?.message, path: moved.body.error?.details?.[0]?.path }).toEqual({
      status: 400,
      message: expect.stringMatching(/^Invalid options\.table: Table 'gf_destination_mysql\.mydest_gone' doesn't exist/),
      path: "options.table",
    });
    expect((await api("GET", `/destinations/${id}`, { as })).body.destination.options).toMatchObject({ table: "mydest_kept" });
  });

  it("fails only the Export of a Record whose value the database refuses, with the database's reason", async () => {
    const { id, groupId } = await tableDestination("Picky", { table: "mydest_picky", keyColumn: "external_id" }, [["external_id", "external_id"], ["plan", "plan"]]);
    await importPeople(importKey, [{ external_id: "r1", plan: "pro" }, { external_id: "r2", plan: "far-too-long-a-plan" }, { external_id: "r3", plan: "free" }], recordOf);
    await members(groupId, ["r1", "r2", "r3"], "add");
    const rows = await exportsBecome(id, settled(3));
    expect(exportOf(rows, "r2")).toMatchObject({ state: "failed", error: expect.stringContaining("Data too long for column 'plan'") });
    expect([exportOf(rows, "r1").state, exportOf(rows, "r3").state]).toEqual(["complete", "complete"]);
    expect(await rowsOf("mydest_picky")).toEqual([
      { external_id: "r1", plan: "pro" },
      { external_id: "r3", plan: "free" },
    ]);
  });

  it("tries a batch again later when the database cannot be reached", async () => {
    const app = await api("POST", "/apps", { as, body: { name: "Shop database (flaky)", plugin: "mysql", type: "mysql", options: appOptions } });
    const { id, groupId } = await tableDestination("Reachable", { table: "mydest_reachable", keyColumn: "external_id" }, [["external_id", "external_id"], ["plan", "plan"]], {}, app.body.app.id);
    const moved = await api("PATCH", `/apps/${app.body.app.id}`, { as, body: { options: { ...appOptions, port: 3399 } } });
    expect(moved.status, JSON.stringify(moved.body)).toBe(200);
    await importPeople(importKey, [{ external_id: "c1", plan: "pro" }], recordOf);
    await members(groupId, ["c1"], "add");
    const [waiting] = await exportsBecome(id, (r) => r.length === 1 && r[0]!.state === "pending" && r[0]!.attempts === 1);
    expect(waiting!.error).toMatch(/^Could not connect to 127\.0\.0\.1:3399/);
    expect((await api("PATCH", `/apps/${app.body.app.id}`, { as, body: { options: appOptions } })).status).toBe(200);
    await env.DB.prepare("update exports set next_attempt_at = ? where destination_id = ? and state = 'pending'").bind(Date.now(), id).run();
    await sendExports(env, tenantId, id);
    expect((await exportsTo(id)).map((e) => [e.state, e.attempts])).toEqual([["complete", 2]]);
    expect(await rowsOf("mydest_reachable")).toEqual([{ external_id: "c1", plan: "pro" }]);
  });
});
