import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { exportStatements } from "../../worker/exports/write";
import { api, createKey, type Caller, waitForRun } from "../support/api";
import { importPeople as importPeopleWith } from "../support/import-people";
import { pushWorkspace } from "../support/push-workspace";

let as: Caller;
let tenantId: string;
let importKey: string;
let destinationId: string;
let groupId: string;
let inspectorAppId: string;
const recordOf = new Map<string, string>();

const importPeople = (people: Record<string, unknown>[]) => importPeopleWith(importKey, people, recordOf);

type Row = { id: string; state: string; reason: string | null; to_delete: number; old_payload: string | null; new_payload: string };
const exportsOf = async (externalId: string) =>
  (
    await env.DB.prepare("select id, state, reason, to_delete, old_payload, new_payload from exports where destination_id = ? and record_id = ? order by revision, created_at")
      .bind(destinationId, recordOf.get(externalId)!)
      .all<Row>()
  ).results.map((r) => ({ ...r, old_payload: r.old_payload && JSON.parse(r.old_payload), new_payload: JSON.parse(r.new_payload) }));

beforeAll(async () => {
  const ws = await pushWorkspace("exportdecisions");
  as = ws.as;
  tenantId = ws.ws.workspace.id;
  for (const body of [
    { key: "country", type: "string", sourceId: ws.pushSource.id, column: "country" },
    { key: "ltv", type: "float", sourceId: ws.pushSource.id, column: "ltv" },
  ]) {
    expect((await api("POST", "/properties", { as, body })).status).toBe(201);
  }
  importKey = (await createKey(as, ["write:imports"])).secret;
  const rules = { match: "all", rules: [{ property: "country", operator: "equals", value: "US" }, { property: "ltv", operator: "gt", value: 100 }] };
  const group = await api("POST", "/groups", { as, body: { name: "US high value", type: "calculated", rules } });
  await waitForRun(as, group.body.run.id);
  groupId = group.body.group.id;
  const app = (await api("POST", "/apps", { as, body: { name: "Outbox", plugin: "inspector", type: "inspector" } })).body.app;
  inspectorAppId = app.id;
  const destination = await api("POST", "/destinations", {
    as,
    body: {
      appId: app.id,
      type: "inspector",
      name: "High value outbox",
      groupId: group.body.group.id,
      mapping: [
        { remote: "PLAN", property: "plan" },
        { remote: "LTV", property: "ltv" },
      ],
      groupLists: [{ groupId: group.body.group.id, remote: "high-value" }],
    },
  });
  expect(destination.status, JSON.stringify(destination.body)).toBe(201);
  destinationId = destination.body.destination.id;
  await importPeople([
    { external_id: "p1", country: "US", ltv: 150, plan: "pro" },
    { external_id: "p2", country: "US", ltv: 90, plan: "free" },
  ]);
});

/** Waits until the Record has `count` Exports and none of them is still waiting or being sent. */
async function exportsSettle(externalId: string, count: number) {
  let rows: Awaited<ReturnType<typeof exportsOf>> = [];
  for (let i = 0; i < 300; i++) {
    rows = await exportsOf(externalId);
    if (rows.length === count && rows.every((r) => r.state !== "pending" && r.state !== "sending")) return rows;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${externalId}'s Exports did not settle: ${JSON.stringify(rows.map((r) => r.state))}`);
}

const held = async (externalId: string) =>
  env.DB.prepare("select payload from destination_records where destination_id = ? and record_id = ?")
    .bind(destinationId, recordOf.get(externalId)!)
    .first<string>("payload")
    .then((p) => (p ? JSON.parse(p) : null));

describe("a Record's object decides its Exports as it settles, and they are sent", () => {
  it("sends one Export for a Record in the collection, with the mapped payload, and none for one outside it", async () => {
    const [sent] = await exportsSettle("p1", 1);
    expect(sent).toMatchObject({ state: "complete", reason: "Sent", to_delete: 0, old_payload: null, new_payload: { fields: { PLAN: "pro", LTV: 150 }, lists: ["high-value"] } });
    expect(await held("p1")).toEqual({ fields: { PLAN: "pro", LTV: 150 }, lists: ["high-value"] });
    expect(await exportsOf("p2")).toEqual([]);
    expect((await api("GET", `/destinations/${destinationId}`, { as })).body.destination.exports).toMatchObject({ complete: 1, pending: 0, failed: 0 });
    const listed = (await api("GET", "/destinations", { as })).body.destinations.find((d: { id: string }) => d.id === destinationId);
    expect(listed.exports).toEqual({ pending: 0, sending: 0, complete: 1, failed: 0, canceled: 0 });
  });

  it("sends nothing when only unmapped values change", async () => {
    const before = await exportsSettle("p1", 1);
    await importPeople([{ external_id: "p1", tags: ["new tag"] }]);
    expect(await exportsOf("p1")).toEqual(before);
  });

  it("sends a changed payload with what it replaces, and removes a Record that leaves the collection", async () => {
    await importPeople([{ external_id: "p1", plan: "team" }]);
    const changed = await exportsSettle("p1", 2);
    expect(changed[1]).toMatchObject({ state: "complete", old_payload: { fields: { PLAN: "pro", LTV: 150 }, lists: ["high-value"] } });
    expect(await held("p1")).toEqual({ fields: { PLAN: "team", LTV: 150 }, lists: ["high-value"] });

    await importPeople([{ external_id: "p1", ltv: 40 }]);
    const left = await exportsSettle("p1", 3);
    expect(left[2]).toMatchObject({ state: "complete", reason: "Removed", to_delete: 1 });
    expect(await held("p1")).toBeNull();
  });

  it("sends Exports for Records a recalculation moves into the collection, through their objects", async () => {
    const rules = { match: "all", rules: [{ property: "country", operator: "equals", value: "US" }, { property: "ltv", operator: "gt", value: 50 }] };
    const changed = await api("PATCH", `/groups/${groupId}`, { as, body: { rules } });
    await waitForRun(as, changed.body.run.id);
    const [sent] = await exportsSettle("p2", 1);
    expect(sent).toMatchObject({ state: "complete", new_payload: { fields: { PLAN: "free", LTV: 90 }, lists: ["high-value"] } });
  });

  it("are listed newest first, filtered by Destination, Record, state and time, with what the Destination holds beside them", async () => {
    const all = (await api("GET", `/exports?destinationId=${destinationId}`, { as })).body;
    expect(all.exports.length).toBeGreaterThanOrEqual(4);
    const times = all.exports.map((e: { createdAt: string }) => Date.parse(e.createdAt));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    const p1 = (await api("GET", `/exports?recordId=${recordOf.get("p1")}&destinationId=${destinationId}`, { as })).body.exports;
    expect(p1.map((e: { toDelete: boolean; state: string }) => [e.state, e.toDelete])).toEqual([
      ["complete", true],
      ["complete", false],
      ["complete", false],
    ]);
    expect(p1[1]).toMatchObject({ oldValues: { fields: { PLAN: "pro", LTV: 150 } }, newValues: { fields: { PLAN: "team", LTV: 150 } }, attempts: 1, reason: "Sent" });
    const paged = await api("GET", `/exports?destinationId=${destinationId}&limit=2`, { as });
    const next = await api("GET", `/exports?destinationId=${destinationId}&limit=2&cursor=${encodeURIComponent(paged.body.nextCursor)}`, { as });
    expect([...paged.body.exports, ...next.body.exports].map((e: { id: string }) => e.id)).toEqual(all.exports.slice(0, 4).map((e: { id: string }) => e.id));
    expect((await api("GET", `/exports?destinationId=${destinationId}&state=failed`, { as })).body.exports).toEqual([]);
    expect((await api("GET", `/exports?destinationId=${destinationId}&since=${new Date(Date.now() + 60_000).toISOString()}`, { as })).body.exports).toEqual([]);
    expect((await api("GET", "/exports?state=lost", { as })).status).toBe(400);
    expect((await api("GET", "/exports?since=yesterday", { as })).status).toBe(400);
    expect((await api("GET", `/exports/${p1[0].id}`, { as })).body.export.id).toBe(p1[0].id);

    const holdings = (await api("GET", `/destinations/${destinationId}/records`, { as })).body.records;
    expect(holdings).toEqual([expect.objectContaining({ recordId: recordOf.get("p2"), payload: { fields: { PLAN: "free", LTV: 90 }, lists: ["high-value"] } })]);
  });

  it("follows a manual Group changed by hand: added Records are sent, removed ones removed", async () => {
    const picked = (await api("POST", "/groups", { as, body: { name: "Picked", type: "manual" } })).body.group;
    const outbox = await api("POST", "/destinations", { as, body: { appId: inspectorAppId, type: "inspector", name: "Picked outbox", groupId: picked.id, mapping: [{ remote: "PLAN", property: "plan" }] } });
    const outboxId = outbox.body.destination.id as string;
    const states = async () =>
      (await env.DB.prepare("select state, to_delete from exports where destination_id = ? order by created_at").bind(outboxId).all<{ state: string; to_delete: number }>()).results;
    const settled = async (count: number) => {
      for (let i = 0; i < 300; i++) {
        const rows = await states();
        if (rows.length === count && rows.every((r) => r.state === "complete")) return rows;
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error(`the manual Group's Exports did not settle: ${JSON.stringify(await states())}`);
    };
    expect((await api("POST", `/groups/${picked.id}/members`, { as, body: { recordIds: [recordOf.get("p2")] } })).status).toBe(200);
    expect(await settled(1)).toEqual([{ state: "complete", to_delete: 0 }]);
    expect((await api("POST", `/groups/${picked.id}/members/remove`, { as, body: { recordIds: [recordOf.get("p2")] } })).status).toBe(200);
    expect(await settled(2)).toEqual([
      { state: "complete", to_delete: 0 },
      { state: "complete", to_delete: 1 },
    ]);
  });

  it("walks the Records there already when a Destination is created or redefined, in a sync Run with progress", async () => {
    await importPeople([
      { external_id: "s1", country: "US", ltv: 500, plan: "pro" },
      { external_id: "s2", country: "US", ltv: 700, plan: "team" },
      { external_id: "s3", country: "DE", ltv: 900, plan: "pro" },
    ]);
    const members = (await api("GET", `/groups/${groupId}/members?limit=200`, { as })).body.members.map((m: { recordId: string }) => m.recordId).sort();
    const created = await api("POST", "/destinations", {
      as,
      body: { appId: inspectorAppId, type: "inspector", name: "Late outbox", groupId, mapping: [{ remote: "PLAN", property: "plan" }] },
    });
    expect(created.body.run).toMatchObject({ trigger: "destination", state: "draft", destinationId: created.body.destination.id });
    const lateId = created.body.destination.id as string;
    const run = await waitForRun(as, created.body.run.id);
    expect(run).toMatchObject({ state: "complete", percentComplete: 100, counters: { rowsRead: members.length, exportsCreated: members.length } });
    expect(run.reason).toBe(`Walked ${members.length} Records: ${members.length} Exports`);
    const holdings = async () => {
      for (let i = 0; i < 300; i++) {
        const pending = await env.DB.prepare("select count(*) as n from exports where destination_id = ? and state in ('pending', 'sending')").bind(lateId).first<number>("n");
        if (!pending) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      return (await api("GET", `/destinations/${lateId}/records?limit=200`, { as })).body.records as { recordId: string; payload: { fields: Record<string, unknown> } }[];
    };
    expect((await holdings()).map((h) => h.recordId).sort()).toEqual(members);

    // Additive: Records that leave the collection are kept. Everyone is now the collection, so s3 joins.
    const additive = await api("PATCH", `/destinations/${lateId}`, { as, body: { syncMode: "additive", groupId: null } });
    await waitForRun(as, additive.body.run.id);
    const everyone = (await holdings()).map((h) => h.recordId);
    expect(everyone).toContain(recordOf.get("s3"));
    // Sync again on the Group: those outside it are removed; a renamed field is sent to everyone left.
    const narrowed = await api("PATCH", `/destinations/${lateId}`, { as, body: { syncMode: "sync", groupId, mapping: [{ remote: "TIER", property: "plan" }] } });
    const walked = await waitForRun(as, narrowed.body.run.id);
    const after = await holdings();
    expect(after.map((h) => h.recordId).sort()).toEqual(members);
    expect(after.every((h) => "TIER" in h.payload.fields && !("PLAN" in h.payload.fields))).toBe(true);
    expect(walked.counters.exportsCreated).toBe(everyone.length);
  }, 30_000);

  it("shows in a dry run what a sync would do now, field by field, sending nothing", async () => {
    const created = await api("POST", "/destinations", { as, body: { appId: inspectorAppId, type: "inspector", name: "Dry outbox", groupId, mapping: [{ remote: "PLAN", property: "plan" }] } });
    const dryId = created.body.destination.id as string;
    await waitForRun(as, created.body.run.id);
    const settledCount = async () => {
      for (let i = 0; i < 300; i++) {
        const open = await env.DB.prepare("select count(*) as n from exports where destination_id = ? and state in ('pending', 'sending')").bind(dryId).first<number>("n");
        if (!open) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      return env.DB.prepare("select count(*) as n from exports where destination_id = ?").bind(dryId).first<number>("n");
    };
    const exportsBefore = await settledCount();
    const held = (await env.DB.prepare("select record_id from destination_records where destination_id = ? order by record_id").bind(dryId).all<{ record_id: string }>()).results.map((r) => r.record_id);
    expect(held.length).toBeGreaterThanOrEqual(3);
    // The Destination's holdings drift from what the Records say: one lost, one stale, one that left the Group.
    await env.DB.prepare("delete from destination_records where destination_id = ? and record_id = ?").bind(dryId, held[0]).run();
    await env.DB.prepare("update destination_records set payload = ? where destination_id = ? and record_id = ?").bind(JSON.stringify({ fields: { PLAN: "stale" }, lists: [] }), dryId, held[1]).run();
    const outsider = recordOf.get("s3")!;
    await env.DB.prepare("insert into destination_records (tenant_id, destination_id, record_id, payload, sent_at) values (?, ?, ?, ?, ?)").bind(tenantId, dryId, outsider, JSON.stringify({ fields: { PLAN: "pro" }, lists: [] }), Date.now()).run();

    const dry = (await api("POST", `/destinations/${dryId}/dry-run`, { as })).body.dryRun;
    expect(dry).toMatchObject({ create: 1, update: 1, delete: 1, unchanged: held.length - 2 });
    const byRecord = new Map(dry.sample.map((c: { recordId: string }) => [c.recordId, c]));
    expect(byRecord.get(held[0])).toMatchObject({ action: "create" });
    expect(byRecord.get(held[1])).toMatchObject({ action: "update", fields: { PLAN: { before: "stale" } } });
    expect(byRecord.get(outsider)).toMatchObject({ action: "delete", fields: { PLAN: { before: "pro" } } });
    expect(await settledCount()).toBe(exportsBefore);
  }, 20_000);

  it("lets a newer decision replace one still waiting, and never a newer one with an older", async () => {
    const recordId = recordOf.get("p2")!;
    const { revision } = (await env.DB.prepare("select revision from records where id = ?").bind(recordId).first<{ revision: number }>())!;
    // A Destination nobody sends to in this test, so the Exports stay as the statements leave them.
    const quiet = await api("POST", "/destinations", { as, body: { appId: inspectorAppId, type: "inspector", name: "Quiet", mapping: [{ remote: "PLAN", property: "plan" }] } });
    const quietId = quiet.body.destination.id as string;
    const decision = (plan: string, at: number) => ({ destinationId: quietId, action: "upsert" as const, old: null, new: { fields: { PLAN: plan }, lists: [] }, revision: at, seq: 1 });
    const write = async (d: ReturnType<typeof decision>) => env.DB.batch(await exportStatements(env.DB, tenantId, recordId, [d], revision + 1, Date.now()));
    await write(decision("older", revision - 1));
    await write(decision("newer", revision));
    await write(decision("late and old", revision - 2));
    const rows = (await env.DB.prepare("select state, reason, new_payload from exports where destination_id = ? order by revision").bind(quietId).all<{ state: string; reason: string | null; new_payload: string }>()).results;
    expect(rows.map((r) => [JSON.parse(r.new_payload).fields.PLAN, r.state, r.reason])).toEqual([
      ["older", "canceled", "Superseded by a newer change"],
      ["newer", "pending", null],
    ]);
  });

  it("stores a decision once however often its batch is written", async () => {
    await importPeople([{ external_id: "p3", country: "US", ltv: 300, plan: "pro" }]);
    const recordId = recordOf.get("p3")!;
    const [stored] = await exportsOf("p3");
    const revision = (await env.DB.prepare("select revision from exports where id = ?").bind(stored!.id).first<number>("revision"))!;
    const decision = { destinationId, action: "upsert" as const, old: null, new: stored!.new_payload, revision, seq: 1 };
    // Written again as a redelivered batch would: the Record has moved past the revision, and the Export exists already.
    await env.DB.batch(await exportStatements(env.DB, tenantId, recordId, [decision], revision + 1, Date.now()));
    expect(await exportsOf("p3")).toEqual([stored]);
  });
});
