import { beforeAll, describe, expect, inject, it } from "vitest";
import { MAILCHIMP_FAKE_AUDIENCE, MAILCHIMP_FAKE_KEY } from "../fakes/mailchimp.mjs";
import { api, createKey, type Caller } from "../support/api";
import { exportsBecome, exportsTo, retryNow as retryExportsNow, type ExportRow } from "../support/exports";
import { importPeople } from "../support/import-people";
import { pushWorkspace } from "../support/push-workspace";

const fake = `${inject("receiverUrl")}/mailchimp`;

let as: Caller;
let tenantId: string;
let importKey: string;
let appId: string;
const recordOf = new Map<string, string>();

type Member = { email_address: string; status: string; merge_fields: Record<string, unknown>; tags: { name: string }[] };
type Applied = { op: string; email: string };

async function fakeState() {
  const state = (await (await fetch(`${fake}/_fake/state`)).json()) as { audiences: Record<string, { members: Member[] }>; applied: Applied[] };
  return { members: state.audiences[MAILCHIMP_FAKE_AUDIENCE]!.members, applied: state.applied };
}
const memberOf = async (email: string) => (await fakeState()).members.find((m) => m.email_address === email);
const appliedTo = async (email: string) => (await fakeState()).applied.filter((a) => a.email === email).map((a) => a.op);
const control = (plan: Record<string, unknown>) => fetch(`${fake}/_fake/control`, { method: "POST", body: JSON.stringify(plan) });

async function until(check: () => Promise<boolean>) {
  for (let i = 0; i < 300; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error("Mailchimp never got there");
}

const retryNow = (destinationId: string) => retryExportsNow(tenantId, destinationId);
const settled = (count: number) => (rows: ExportRow[]) => rows.length === count && rows.every((r) => r.state === "complete" || r.state === "failed");

/** A manual Group and a Destination syncing it into the fake's audience; `vip` becomes a tag. */
async function audienceDestination(name: string, options: { syncMode?: string; vipGroupId?: string } = {}) {
  const group = (await api("POST", "/groups", { as, body: { name: `${name} people`, type: "manual" } })).body.group;
  const created = await api("POST", "/destinations", {
    as,
    body: {
      appId,
      type: "audience",
      name,
      options: { audienceId: MAILCHIMP_FAKE_AUDIENCE },
      groupId: group.id,
      syncMode: options.syncMode ?? "sync",
      mapping: [
        { remote: "email_address", property: "contact_email" },
        { remote: "COUNTRY", property: "country" },
        { remote: "LTV", property: "ltv" },
      ],
      groupLists: options.vipGroupId ? [{ groupId: options.vipGroupId, remote: "VIP" }] : [],
    },
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return { destinationId: created.body.destination.id as string, groupId: group.id as string };
}

async function importInto(groupId: string, people: Record<string, unknown>[]) {
  await importPeople(importKey, people, recordOf);
  const recordIds = people.map((p) => recordOf.get(String(p.external_id))!);
  expect((await api("POST", `/groups/${groupId}/members`, { as, body: { recordIds } })).status).toBe(200);
}

beforeAll(async () => {
  const ws = await pushWorkspace("mailchimpexports");
  as = ws.as;
  tenantId = ws.ws.workspace.id;
  importKey = (await createKey(as, ["write:imports"])).secret;
  for (const [key, type] of [
    ["contact_email", "email"],
    ["country", "string"],
    ["ltv", "float"],
  ]) {
    const made = await api("POST", "/properties", { as, body: { key, type, sourceId: ws.pushSource.id, column: key } });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
  }
  // The fake runs on this machine: the setting meant for local development lets Destinations reach it.
  expect((await api("PATCH", "/workspace", { as, body: { allowPrivateDestinations: true } })).status).toBe(200);
  const app = await api("POST", "/apps", { as, body: { name: "Newsletter", plugin: "mailchimp", type: "mailchimp", options: { apiKey: MAILCHIMP_FAKE_KEY, serverUrl: fake } } });
  expect(app.status, JSON.stringify(app.body)).toBe(201);
  appId = app.body.app.id;
});

describe("the Mailchimp Destination", { timeout: 30_000 }, () => {
  it("offers the audience's merge fields to map, and refuses one the audience does not have", async () => {
    const options = await api("POST", "/destinations/mapping-options", { as, body: { appId, type: "audience", options: { audienceId: MAILCHIMP_FAKE_AUDIENCE } } });
    expect(options.status, JSON.stringify(options.body)).toBe(200);
    expect(options.body.mappingOptions.fields.map((f: { name: string; type: string; required: boolean }) => [f.name, f.type, f.required])).toEqual([
      ["email_address", "string", true],
      ["FNAME", "string", false],
      ["LNAME", "string", false],
      ["COUNTRY", "string", false],
      ["LTV", "number", false],
      ["SIGNUP", "date", false],
    ]);
    expect(options.body.mappingOptions.lists).toEqual({ label: "Tags" });
    const unknown = await api("POST", "/destinations", {
      as,
      body: { appId, type: "audience", name: "Odd field", options: { audienceId: MAILCHIMP_FAKE_AUDIENCE }, mapping: [{ remote: "email_address", property: "contact_email" }, { remote: "SHOE", property: "plan" }] },
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.message).toMatch(/mapping\.1\.remote: the Destination has no field "SHOE"/);
    const noAudience = await api("POST", "/destinations/mapping-options", { as, body: { appId, type: "audience", options: { audienceId: "nosuch1" } } });
    expect(noAudience.status).toBe(422);
    expect(noAudience.body.error.message).toMatch(/Mailchimp has no audience "nosuch1"/);
  });

  it("adds a Group's people as members with their merge fields and tags, each once, and updates only the one that changed", async () => {
    const vip = (await api("POST", "/groups", { as, body: { name: "VIPs", type: "manual" } })).body.group;
    const { destinationId, groupId } = await audienceDestination("members", { vipGroupId: vip.id });
    await importPeople(
      importKey,
      [
        { external_id: "m1", contact_email: "ada@example.com", country: "US", ltv: 250.5 },
        { external_id: "m2", contact_email: "bo@example.com", country: "DE", ltv: 12 },
      ],
      recordOf,
    );
    expect((await api("POST", `/groups/${vip.id}/members`, { as, body: { recordIds: [recordOf.get("m1")] } })).status).toBe(200);
    expect((await api("POST", `/groups/${groupId}/members`, { as, body: { recordIds: [recordOf.get("m1"), recordOf.get("m2")] } })).status).toBe(200);
    await until(async () => (await memberOf("ada@example.com"))?.tags.length === 1 && (await memberOf("bo@example.com")) !== undefined);
    expect(await memberOf("ada@example.com")).toMatchObject({ status: "subscribed", merge_fields: { COUNTRY: "US", LTV: 250.5 }, tags: [{ name: "VIP" }] });
    expect(await memberOf("bo@example.com")).toMatchObject({ status: "subscribed", merge_fields: { COUNTRY: "DE", LTV: 12 }, tags: [] });
    expect(await appliedTo("bo@example.com")).toEqual(["create"]);

    await importPeople(importKey, [{ external_id: "m2", contact_email: "bo@example.com", country: "FR", ltv: 12 }], recordOf);
    await until(async () => (await memberOf("bo@example.com"))!.merge_fields.COUNTRY === "FR");
    expect(await appliedTo("bo@example.com")).toEqual(["create", "update"]);

    // Leaving the VIP Group takes the tag off and changes nothing else.
    expect((await api("POST", `/groups/${vip.id}/members/remove`, { as, body: { recordIds: [recordOf.get("m1")] } })).status).toBe(200);
    await until(async () => (await memberOf("ada@example.com"))!.tags.length === 0);
    const ada = await appliedTo("ada@example.com");
    expect(ada.filter((op) => op === "create")).toHaveLength(1);
    expect(ada.filter((op) => op === "tag:VIP")).toHaveLength(1);
    expect(ada.filter((op) => op === "untag:VIP")).toHaveLength(1);
    expect((await memberOf("ada@example.com"))!.merge_fields).toMatchObject({ COUNTRY: "US", LTV: 250.5 });
    const rows = await exportsBecome(destinationId, (r) => r.every((e) => e.state === "complete"));
    expect(rows.filter((r) => r.record_id === recordOf.get("m2"))).toHaveLength(2);
  });

  it("takes a tag given by hand off again, though the Record itself did not change in between", async () => {
    const vip = (await api("POST", "/groups", { as, body: { name: "Back and forth VIPs", type: "manual" } })).body.group;
    const { destinationId, groupId } = await audienceDestination("back-and-forth", { vipGroupId: vip.id });
    await importInto(groupId, [{ external_id: "m11", contact_email: "jo@example.com", country: "US", ltv: 7 }]);
    await until(async () => (await memberOf("jo@example.com")) !== undefined);
    expect((await api("POST", `/groups/${vip.id}/members`, { as, body: { recordIds: [recordOf.get("m11")] } })).status).toBe(200);
    await until(async () => (await memberOf("jo@example.com"))!.tags.length === 1);
    expect((await api("POST", `/groups/${vip.id}/members/remove`, { as, body: { recordIds: [recordOf.get("m11")] } })).status).toBe(200);
    await until(async () => (await memberOf("jo@example.com"))!.tags.length === 0);
    const rows = await exportsBecome(destinationId, (r) => r.length === 3 && r.every((e) => e.state === "complete"));
    expect(new Set(rows.map((r) => r.id)).size).toBe(3);
  });

  it("archives a member whose Record leaves the Group in sync mode, and keeps one in additive mode", async () => {
    const synced = await audienceDestination("leaving-sync");
    const additive = await audienceDestination("leaving-additive", { syncMode: "additive" });
    await importInto(synced.groupId, [{ external_id: "m3", contact_email: "cy@example.com", country: "US", ltv: 5 }]);
    await importInto(additive.groupId, [{ external_id: "m4", contact_email: "di@example.com", country: "US", ltv: 5 }]);
    await exportsBecome(synced.destinationId, settled(1));
    await exportsBecome(additive.destinationId, settled(1));

    for (const [destination, id] of [
      [synced, "m3"],
      [additive, "m4"],
    ] as const) {
      expect((await api("POST", `/groups/${destination.groupId}/members/remove`, { as, body: { recordIds: [recordOf.get(id)] } })).status).toBe(200);
    }
    const [, archived] = await exportsBecome(synced.destinationId, settled(2));
    expect(archived).toMatchObject({ state: "complete", to_delete: 1 });
    expect((await memberOf("cy@example.com"))!.status).toBe("archived");
    expect((await api("GET", `/destinations/${synced.destinationId}/records`, { as })).body.records).toEqual([]);

    // Additive mode never removes: the member stays, and no Export is made for the leave.
    await new Promise((r) => setTimeout(r, 1000));
    expect(await exportsTo(additive.destinationId)).toHaveLength(1);
    expect((await memberOf("di@example.com"))!.status).toBe("subscribed");
  });

  it("in enrich mode updates the members Mailchimp has and creates none", async () => {
    await control({ members: [{ email_address: "ed@example.com", merge_fields: { COUNTRY: "US" } }] });
    const { destinationId, groupId } = await audienceDestination("enrich", { syncMode: "enrich" });
    await importInto(groupId, [
      { external_id: "m5", contact_email: "ed@example.com", country: "CA", ltv: 40 },
      { external_id: "m6", contact_email: "flo@example.com", country: "CA", ltv: 40 },
    ]);
    const rows = await exportsBecome(destinationId, settled(2));
    expect(rows.map((r) => r.state)).toEqual(["complete", "complete"]);
    expect(await memberOf("ed@example.com")).toMatchObject({ merge_fields: { COUNTRY: "CA", LTV: 40 } });
    expect(await memberOf("flo@example.com")).toBeUndefined();
    const skipped = rows.find((r) => r.record_id === recordOf.get("m6"))!;
    expect(skipped.reason).toMatch(/not in the audience/);
  });

  it("fails only the member Mailchimp refuses, with Mailchimp's reason", async () => {
    await control({ members: [{ email_address: "gone@example.com", status: "unsubscribed" }] });
    const { destinationId, groupId } = await audienceDestination("refused");
    await importInto(groupId, [
      { external_id: "m7", contact_email: "gone@example.com", country: "US", ltv: 1 },
      { external_id: "m8", contact_email: "here@example.com", country: "US", ltv: 1 },
    ]);
    const rows = await exportsBecome(destinationId, settled(2));
    const byRecord = new Map(rows.map((r) => [r.record_id, r]));
    expect(byRecord.get(recordOf.get("m7")!)).toMatchObject({ state: "failed", error: expect.stringMatching(/compliance state due to unsubscribe/) });
    expect(byRecord.get(recordOf.get("m8")!)!.state).toBe("complete");
    expect((await memberOf("gone@example.com"))!.status).toBe("unsubscribed");
  });

  it("rides out 429s and 500s: every Export completes in the end and no member is written twice", async () => {
    const { destinationId, groupId } = await audienceDestination("flaky");
    await control({ answers: [{ status: 429, retryAfter: "1" }, { status: 500 }] });
    await importInto(groupId, [
      { external_id: "m9", contact_email: "hal@example.com", country: "US", ltv: 3 },
      { external_id: "m10", contact_email: "ivy@example.com", country: "US", ltv: 3 },
    ]);
    await exportsBecome(destinationId, (rows) => rows.length === 2 && rows.some((r) => r.attempts > 0));
    for (let i = 0; i < 5 && (await exportsTo(destinationId)).some((r) => r.state !== "complete"); i++) await retryNow(destinationId);
    const rows = await exportsTo(destinationId);
    expect(rows.map((r) => r.state)).toEqual(["complete", "complete"]);
    expect(Math.max(...rows.map((r) => r.attempts))).toBeGreaterThan(1);
    expect(await appliedTo("hal@example.com")).toEqual(["create"]);
    expect(await appliedTo("ivy@example.com")).toEqual(["create"]);
  });

  it("says the API key was refused when Mailchimp does not know it", async () => {
    const app = await api("POST", "/apps", { as, body: { name: "Wrong key", plugin: "mailchimp", type: "mailchimp", options: { apiKey: `${"0".repeat(32)}-us1`, serverUrl: fake } } });
    expect(app.status).toBe(201);
    const options = await api("POST", "/destinations/mapping-options", { as, body: { appId: app.body.app.id, type: "audience", options: { audienceId: MAILCHIMP_FAKE_AUDIENCE } } });
    expect(options.status).toBe(422);
    expect(options.body.error.message).toMatch(/Mailchimp refused the API key: Your API key may be invalid/);
    const badKey = await api("POST", "/apps", { as, body: { name: "Not a key", plugin: "mailchimp", type: "mailchimp", options: { apiKey: "hello" } } });
    expect(badKey.status).toBe(400);
    expect(badKey.body.error.message).toMatch(/apiKey/);
  });
});
