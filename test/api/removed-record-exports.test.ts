import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { removeVanished } from "../../worker/exports/removals";
import { exportStatements } from "../../worker/exports/write";
import { api, createKey, type Caller, waitForRun } from "../support/api";
import { exportsBecome, exportsTo } from "../support/exports";
import { importPeople as importPeopleWith } from "../support/import-people";
import { pushWorkspace } from "../support/push-workspace";

const receiver = inject("receiverUrl");

let as: Caller;
let tenantId: string;
let importKey: string;
let inspectorAppId: string;
const recordOf = new Map<string, string>();

const importPeople = (people: Record<string, unknown>[]) => importPeopleWith(importKey, people, recordOf);

async function manualGroup(name: string, externalIds: string[]) {
  const group = (await api("POST", "/groups", { as, body: { name, type: "manual" } })).body.group;
  const recordIds = externalIds.map((id) => recordOf.get(id)!);
  if (recordIds.length) expect((await api("POST", `/groups/${group.id}/members`, { as, body: { recordIds } })).status).toBe(200);
  return group.id as string;
}

async function destination(body: Record<string, unknown>) {
  const created = await api("POST", "/destinations", { as, body });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  await waitForRun(as, created.body.run.id);
  return created.body.destination.id as string;
}

const inspector = (name: string, groupId: string, syncMode: "sync" | "additive") =>
  destination({ appId: inspectorAppId, type: "inspector", name, groupId, syncMode, mapping: [{ remote: "plan", property: "plan" }] });

/** The payload a Destination holds for a Record, or null when it holds none. */
const held = async (destinationId: string, recordId: string) =>
  env.DB.prepare("select payload from destination_records where destination_id = ? and record_id = ?")
    .bind(destinationId, recordId)
    .first<string>("payload")
    .then((p) => (p ? JSON.parse(p) : null));

const settled = (count: number) => (rows: { state: string }[]) => rows.length === count && rows.every((r) => r.state !== "pending" && r.state !== "sending");
const of = (rows: Awaited<ReturnType<typeof exportsTo>>, recordId: string) => rows.filter((r) => r.record_id === recordId);

beforeAll(async () => {
  const ws = await pushWorkspace("removedrecords");
  as = ws.as;
  tenantId = ws.ws.workspace.id;
  expect((await api("POST", "/properties", { as, body: { key: "work_email", type: "email", unique: true, sourceId: ws.pushSource.id, column: "work_email" } })).status).toBe(201);
  importKey = (await createKey(as, ["write:imports"])).secret;
  inspectorAppId = (await api("POST", "/apps", { as, body: { name: "Outbox", plugin: "inspector", type: "inspector" } })).body.app.id;
  // The receiver runs on this machine: the setting meant for local development lets webhooks reach it.
  expect((await api("PATCH", "/workspace", { as, body: { allowPrivateDestinations: true } })).status).toBe(200);
});

describe("a Record that no longer exists", { timeout: 30_000 }, () => {
  it("is removed from sync Destinations when it is merged away, with the last payload they hold, and kept by additive ones", async () => {
    await importPeople([{ external_id: "m1", plan: "pro" }]);
    await importPeople([{ external_id: "m2", work_email: "m2@example.com", plan: "free" }]);
    const [survivor, merged] = [recordOf.get("m1")!, recordOf.get("m2")!];
    const groupId = await manualGroup("Merged people", ["m1", "m2"]);

    await fetch(`${receiver}/control/removed-merge`, { method: "POST", body: JSON.stringify({ answers: [] }) });
    const app = await api("POST", "/apps", { as, body: { name: "Merge receiver", plugin: "webhook", type: "webhook", options: { url: `${receiver}/hooks/removed-merge`, secret: "a-long-enough-signing-secret" } } });
    const synced = await destination({
      appId: app.body.app.id,
      type: "webhook",
      name: "Merge webhook",
      groupId,
      mapping: [{ remote: "plan", property: "plan" }, { remote: "email", property: "work_email" }],
    });
    const kept = await inspector("Merge keeper", groupId, "additive");
    await exportsBecome(synced, settled(2));
    await exportsBecome(kept, settled(2));
    const lastHeld = await held(synced, merged);
    expect(lastHeld).toEqual({ fields: { plan: "free", email: "m2@example.com" }, lists: [] });

    await importPeople([{ external_id: "m1", work_email: "m2@example.com" }]);
    expect(await env.DB.prepare("select count(*) as n from records where id = ?").bind(merged).first<number>("n")).toBe(0);

    const rows = await exportsBecome(synced, (r) => settled(r.length)(r) && of(r, merged).length === 2);
    expect(of(rows, merged).map((r) => [r.state, r.to_delete, r.reason])).toEqual([
      ["complete", 0, "Sent"],
      ["complete", 1, "Removed"],
    ]);
    expect(await held(synced, merged)).toBeNull();
    expect(await held(synced, survivor)).not.toBeNull();
    const deliveries = ((await (await fetch(`${receiver}/deliveries/removed-merge`)).json()) as { deliveries: { status: number; body: string }[] }).deliveries;
    const items = deliveries.filter((d) => d.status === 200).flatMap((d) => JSON.parse(d.body).deliveries as { action: string; record_id: string; fields: unknown }[]);
    expect(items.filter((i) => i.record_id === merged).map((i) => [i.action, i.fields])).toEqual([
      ["upsert", lastHeld.fields],
      ["delete", lastHeld.fields],
    ]);

    const keeperRows = await exportsBecome(kept, (r) => settled(r.length)(r));
    expect(of(keeperRows, merged).map((r) => r.to_delete)).toEqual([0]);
    expect(await held(kept, merged)).toEqual({ fields: { plan: "free" }, lists: [] });
  });

  it("is removed when a sync Run walks it among what a sync Destination holds, and kept by an additive one", async () => {
    await importPeople([
      { external_id: "v1", plan: "pro" },
      { external_id: "v2", plan: "team" },
    ]);
    const [gone, stays] = [recordOf.get("v1")!, recordOf.get("v2")!];
    const groupId = await manualGroup("Vanishing people", ["v1", "v2"]);
    const synced = await inspector("Vanishing outbox", groupId, "sync");
    const kept = await inspector("Vanishing keeper", groupId, "additive");
    await exportsBecome(synced, settled(2));
    await exportsBecome(kept, settled(2));

    // As if a Record had been deleted before its removal was sent anywhere: only the holdings know it.
    await env.DB.prepare("delete from records where id = ?").bind(gone).run();
    const rewalk = async (id: string, mapping: { remote: string; property: string }[]) => {
      const changed = await api("PATCH", `/destinations/${id}`, { as, body: { mapping } });
      expect(changed.status, JSON.stringify(changed.body)).toBe(200);
      return waitForRun(as, changed.body.run.id);
    };
    const walked = await rewalk(synced, [{ remote: "tier", property: "plan" }]);
    expect(walked).toMatchObject({ state: "complete", counters: { rowsRead: 2 } });
    const rows = await exportsBecome(synced, (r) => settled(r.length)(r) && of(r, gone).length === 2);
    expect(of(rows, gone).map((r) => [r.state, r.to_delete, r.reason])).toEqual([
      ["complete", 0, "Sent"],
      ["complete", 1, "Removed"],
    ]);
    expect(walked.counters.exportsCreated).toBe(2);
    expect(await held(synced, gone)).toBeNull();
    expect(await held(synced, stays)).toEqual({ fields: { tier: "team" }, lists: [] });

    await rewalk(kept, [{ remote: "tier", property: "plan" }]);
    const keeperRows = await exportsBecome(kept, (r) => settled(r.length)(r));
    expect(of(keeperRows, gone).map((r) => r.to_delete)).toEqual([0]);
    expect(await held(kept, gone)).toEqual({ fields: { plan: "pro" }, lists: [] });
  });

  it("gets one removal however often it is asked for before it is sent", async () => {
    await importPeople([{ external_id: "r1", plan: "pro" }]);
    const gone = recordOf.get("r1")!;
    const groupId = await manualGroup("Removed twice", ["r1"]);
    const synced = await inspector("Removed twice outbox", groupId, "sync");
    await exportsBecome(synced, settled(1));
    await env.DB.prepare("delete from records where id = ?").bind(gone).run();
    const asked = await Promise.all([removeVanished(env, tenantId, [gone], synced), removeVanished(env, tenantId, [gone], synced)]);
    expect(asked.reduce((a, b) => a + b)).toBe(1);
    expect(await removeVanished(env, tenantId, [gone], synced)).toBe(0);
    const rows = await exportsBecome(synced, settled(2));
    expect(rows.map((r) => [r.state, r.to_delete])).toEqual([
      ["complete", 0],
      ["complete", 1],
    ]);
  });

  it("cancels a change still waiting for it, and needs no request to remove what never arrived", async () => {
    await importPeople([{ external_id: "p1", plan: "pro" }]);
    const gone = recordOf.get("p1")!;
    // A Destination no Record is in, so the change below waits until something sends to it.
    const waiting = await inspector("Waiting outbox", await manualGroup("Nobody", []), "sync");
    const revision = (await env.DB.prepare("select revision from records where id = ?").bind(gone).first<number>("revision"))!;
    const decision = { destinationId: waiting, action: "upsert" as const, old: null, new: { fields: { plan: "pro" }, lists: [] }, revision, seq: 1 };
    await env.DB.batch(await exportStatements(env.DB, tenantId, gone, [decision], revision + 1, Date.now()));
    expect((await exportsTo(waiting)).map((r) => r.state)).toEqual(["pending"]);

    await env.DB.prepare("delete from records where id = ?").bind(gone).run();
    expect(await removeVanished(env, tenantId, [gone], waiting)).toBe(1);
    const rows = await exportsBecome(waiting, settled(2));
    expect(rows.map((r) => [r.state, r.to_delete, r.reason])).toEqual([
      ["canceled", 0, "Superseded: the Record was removed"],
      ["complete", 1, "Never sent, so nothing to remove"],
    ]);
  });
});
