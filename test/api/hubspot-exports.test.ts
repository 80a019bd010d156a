import { beforeAll, describe, expect, inject, it } from "vitest";
import type { ExportItem, PluginContext } from "../../plugins/contract";
import { hubspotPlugin } from "../../plugins/hubspot";
import { HUBSPOT_FAKE_LISTS, HUBSPOT_FAKE_TOKEN } from "../fakes/hubspot.mjs";
import { api, createKey, type Caller } from "../support/api";
import { exportsBecome, exportsTo, retryNow as retryExportsNow, type ExportRow } from "../support/exports";
import { importPeople } from "../support/import-people";
import { pushWorkspace } from "../support/push-workspace";

const fake = `${inject("receiverUrl")}/hubspot`;
const REFUSED_TOKEN = "pat-na1-00000000-0000-4000-8000-000000000000";

let as: Caller;
let tenantId: string;
let importKey: string;
let appId: string;
const recordOf = new Map<string, string>();

type Contact = { id: string; properties: Record<string, string>; archived: boolean };
type Applied = { op: string; email: string };
type FakeState = { contacts: Contact[]; lists: { listId: string; members: { id: string; email: string }[] }[]; applied: Applied[] };

const fakeState = async () => (await (await fetch(`${fake}/_fake/state`)).json()) as FakeState;
const contactOf = async (email: string) => (await fakeState()).contacts.find((c) => c.properties.email === email && !c.archived);
const appliedTo = async (email: string) => (await fakeState()).applied.filter((a) => a.email === email).map((a) => a.op);
const listMembers = async (listId: string) => (await fakeState()).lists.find((l) => l.listId === listId)!.members.map((m) => m.email).sort();
const control = (plan: Record<string, unknown>) => fetch(`${fake}/_fake/control`, { method: "POST", body: JSON.stringify(plan) });

const retryNow = (destinationId: string) => retryExportsNow(tenantId, destinationId);
const settled = (count: number) => (rows: ExportRow[]) => rows.length === count && rows.every((r) => r.state === "complete" || r.state === "failed");

const MAPPING = [
  { remote: "email", property: "work_email" },
  { remote: "lastname", property: "last_name" },
  { remote: "country", property: "country" },
  { remote: "ltv", property: "ltv" },
  { remote: "signup_date", property: "signup_date" },
];

/** A manual Group and a Destination syncing it into the fake's contacts; `listGroupId`'s members go on list 101. */
async function contactsDestination(name: string, options: { syncMode?: string; listGroupId?: string; appId?: string } = {}) {
  const group = (await api("POST", "/groups", { as, body: { name: `${name} people`, type: "manual" } })).body.group;
  const created = await api("POST", "/destinations", {
    as,
    body: {
      appId: options.appId ?? appId,
      type: "contacts",
      name,
      groupId: group.id,
      syncMode: options.syncMode ?? "sync",
      mapping: MAPPING,
      groupLists: options.listGroupId ? [{ groupId: options.listGroupId, remote: HUBSPOT_FAKE_LISTS.bigSpenders }] : [],
    },
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return { destinationId: created.body.destination.id as string, groupId: group.id as string };
}

const recordIdsOf = (people: Record<string, unknown>[]) => people.map((p) => recordOf.get(String(p.external_id))!);

async function joinGroup(groupId: string, people: Record<string, unknown>[]) {
  expect((await api("POST", `/groups/${groupId}/members`, { as, body: { recordIds: recordIdsOf(people) } })).status).toBe(200);
}

async function leaveGroup(groupId: string, people: Record<string, unknown>[]) {
  expect((await api("POST", `/groups/${groupId}/members/remove`, { as, body: { recordIds: recordIdsOf(people) } })).status).toBe(200);
}

async function importInto(groupId: string, people: Record<string, unknown>[]) {
  await importPeople(importKey, people, recordOf);
  await joinGroup(groupId, people);
}

/** A contact put straight into the fake, as if someone had created it in HubSpot. */
async function seedContact(email: string, properties: Record<string, string>) {
  const res = await fetch(`${fake}/crm/v3/objects/contacts/batch/upsert`, {
    method: "POST",
    headers: { authorization: `Bearer ${HUBSPOT_FAKE_TOKEN}`, "content-type": "application/json" },
    body: JSON.stringify({ inputs: [{ idProperty: "email", id: email, properties: { email, ...properties } }] }),
  });
  expect(res.status).toBe(200);
}

const nextUtcMidnight = (now: number) => {
  const day = new Date(now);
  return Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate() + 1);
};

beforeAll(async () => {
  const ws = await pushWorkspace("hubspotexports");
  as = ws.as;
  tenantId = ws.ws.workspace.id;
  importKey = (await createKey(as, ["write:imports"])).secret;
  for (const [key, type] of [
    ["work_email", "string"],
    ["last_name", "string"],
    ["country", "string"],
    ["ltv", "float"],
    ["signup_date", "date"],
  ]) {
    const made = await api("POST", "/properties", { as, body: { key, type, sourceId: ws.pushSource.id, column: key } });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
  }
  // The fake listens on a loopback address: the setting meant for local development lets Destinations reach it.
  expect((await api("PATCH", "/workspace", { as, body: { allowPrivateDestinations: true } })).status).toBe(200);
  await control({ reset: true });
  const app = await api("POST", "/apps", { as, body: { name: "CRM", plugin: "hubspot", type: "hubspot", options: { accessToken: HUBSPOT_FAKE_TOKEN, baseUrl: fake } } });
  expect(app.status, JSON.stringify(app.body)).toBe(201);
  expect(app.body.app.options.accessToken).toBe("********");
  appId = app.body.app.id;
});

describe("the HubSpot Destination", { timeout: 30_000 }, () => {
  it("offers HubSpot's writable contact properties to map, email required, and refuses one HubSpot does not have", async () => {
    const offered = await api("POST", "/destinations/mapping-options", { as, body: { appId, type: "contacts" } });
    expect(offered.status, JSON.stringify(offered.body)).toBe(200);
    const { fields, customFields, lists } = offered.body.mappingOptions;
    expect(fields.map((f: { name: string; type: string; required: boolean }) => [f.name, f.type, f.required])).toEqual([
      ["email", "string", true],
      ["firstname", "string", false],
      ["lastname", "string", false],
      ["country", "string", false],
      ["ltv", "number", false],
      ["signup_date", "date", false],
    ]);
    expect({ customFields, lists }).toEqual({ customFields: false, lists: { label: "Static lists (list ids)" } });

    const group = (await api("POST", "/groups", { as, body: { name: "Unmappable people", type: "manual" } })).body.group;
    const definition = (mapping: unknown[]) => ({ appId, type: "contacts", name: `Unmappable ${mapping.length}`, groupId: group.id, mapping });
    const unknown = await api("POST", "/destinations", { as, body: definition([...MAPPING, { remote: "favourite_colour", property: "plan" }]) });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.message).toMatch(/no field "favourite_colour"/);
    const readOnly = await api("POST", "/destinations", { as, body: definition([...MAPPING, { remote: "hs_object_id", property: "external_id" }]) });
    expect(readOnly.status).toBe(400);
    const noEmail = await api("POST", "/destinations", { as, body: definition(MAPPING.slice(1)) });
    expect(noEmail.status).toBe(400);
    expect(noEmail.body.error.message).toMatch(/needs "email" mapped/);
    const typed = await api("POST", "/destinations", { as, body: definition([...MAPPING.filter((m) => m.remote !== "ltv"), { remote: "ltv", property: "plan" }]) });
    expect(typed.status).toBe(400);
    expect(typed.body.error.message).toMatch(/"ltv" takes number values/);
  });

  it("creates each person's contact with the mapped properties, and keeps the Group's members on the mapped static list", async () => {
    const bigSpenders = (await api("POST", "/groups", { as, body: { name: "Big spenders", type: "manual" } })).body.group;
    const { destinationId, groupId } = await contactsDestination("Everyone", { listGroupId: bigSpenders.id });
    const ada = { external_id: "hs1", work_email: "ada@example.com", last_name: "Lovelace", country: "US", ltv: 1250.5, signup_date: "2024-03-01" };
    const bob = { external_id: "hs2", work_email: "bob@example.com", last_name: "Babbage", country: "GB", ltv: 40 };
    await importPeople(importKey, [ada, bob], recordOf);
    await joinGroup(bigSpenders.id, [ada]);
    await joinGroup(groupId, [ada, bob]);
    const rows = await exportsBecome(destinationId, settled(2));
    expect(rows.map((r) => [r.state, r.reason])).toEqual([
      ["complete", "Sent"],
      ["complete", "Sent"],
    ]);
    const adaContact = (await contactOf("ada@example.com"))!;
    expect(adaContact.properties).toMatchObject({ lastname: "Lovelace", country: "US", ltv: "1250.5", signup_date: "2024-03-01" });
    expect((await contactOf("bob@example.com"))!.properties).toMatchObject({ lastname: "Babbage", country: "GB", ltv: "40" });
    expect((await contactOf("bob@example.com"))!.properties.signup_date).toBeUndefined();
    expect(await listMembers(HUBSPOT_FAKE_LISTS.bigSpenders)).toEqual(["ada@example.com"]);
    // The contact's HubSpot id is kept, so a later removal needs no lookup.
    const held = await api("GET", `/destinations/${destinationId}/records?recordId=${recordOf.get("hs1")}`, { as });
    expect(held.body.records[0].remoteId).toBe(adaContact.id);

    await leaveGroup(bigSpenders.id, [ada]);
    await exportsBecome(destinationId, settled(3));
    expect(await listMembers(HUBSPOT_FAKE_LISTS.bigSpenders)).toEqual([]);
    expect(await appliedTo("ada@example.com")).toEqual(["create", "list-add:101", "update", "list-remove:101"]);
    expect(await appliedTo("bob@example.com")).toEqual(["create"]);
  });

  it("archives the contact of someone who leaves the Group in sync mode, and keeps it in additive mode", async () => {
    const synced = await contactsDestination("Synced");
    const added = await contactsDestination("Added", { syncMode: "additive" });
    const cy = { external_id: "hs3", work_email: "cy@example.com", country: "US" };
    const di = { external_id: "hs4", work_email: "di@example.com", country: "FR" };
    await importInto(synced.groupId, [cy]);
    await importInto(added.groupId, [di]);
    await exportsBecome(synced.destinationId, settled(1));
    await exportsBecome(added.destinationId, settled(1));
    expect(await contactOf("cy@example.com")).toBeDefined();

    await leaveGroup(synced.groupId, [cy]);
    await leaveGroup(added.groupId, [di]);
    const [, removal] = await exportsBecome(synced.destinationId, settled(2));
    expect(removal).toMatchObject({ state: "complete", reason: "Removed", to_delete: 1 });
    expect(await contactOf("cy@example.com")).toBeUndefined();
    expect(await appliedTo("cy@example.com")).toEqual(["create", "archive"]);
    expect((await api("GET", `/destinations/${synced.destinationId}/records`, { as })).body.records).toEqual([]);

    // Additive mode decides nothing when someone leaves: the contact stays as it was.
    await new Promise((r) => setTimeout(r, 500));
    expect(await exportsTo(added.destinationId)).toHaveLength(1);
    expect((await contactOf("di@example.com"))!.properties.country).toBe("FR");
    expect(await appliedTo("di@example.com")).toEqual(["create"]);
  });

  it("in enrich mode updates only the contacts HubSpot already has, and creates none", async () => {
    await seedContact("eve@example.com", { firstname: "Eve", country: "DE" });
    const { destinationId, groupId } = await contactsDestination("Enriched", { syncMode: "enrich" });
    await importInto(groupId, [
      { external_id: "hs5", work_email: "eve@example.com", country: "AT", ltv: 300 },
      { external_id: "hs6", work_email: "fay@example.com", country: "US", ltv: 20 },
    ]);
    const rows = await exportsBecome(destinationId, settled(2));
    const byRecord = new Map(rows.map((r) => [r.record_id, r]));
    expect(byRecord.get(recordOf.get("hs5")!)).toMatchObject({ state: "complete", reason: "Sent" });
    expect(byRecord.get(recordOf.get("hs6")!)).toMatchObject({ state: "complete", reason: "not in HubSpot" });

    expect((await contactOf("eve@example.com"))!.properties).toMatchObject({ firstname: "Eve", country: "AT", ltv: "300" });
    expect(await contactOf("fay@example.com")).toBeUndefined();
    expect(await appliedTo("eve@example.com")).toEqual(["create", "update"]);
    expect(await appliedTo("fay@example.com")).toEqual([]);
    const held = (await api("GET", `/destinations/${destinationId}/records`, { as })).body.records;
    expect(held.map((r: { recordId: string }) => r.recordId)).toEqual([recordOf.get("hs5")]);
  });

  it("sends again after HubSpot throttles (TEN_SECONDLY_ROLLING) and then fails, and applies each contact once", async () => {
    const { destinationId, groupId } = await contactsDestination("Throttled");
    await control({ answers: [{ status: 429, retryAfter: "1", body: { policyName: "TEN_SECONDLY_ROLLING" } }, { status: 502 }] });
    await importInto(groupId, [{ external_id: "hs7", work_email: "gus@example.com", country: "US" }]);
    const [throttled] = await exportsBecome(destinationId, (r) => r.length === 1 && r[0]!.state === "pending" && r[0]!.attempts === 1);
    expect(throttled!.error).toMatch(/HubSpot is throttling requests \(TEN_SECONDLY_ROLLING\)/);
    expect(await contactOf("gus@example.com")).toBeUndefined();

    await retryNow(destinationId);
    const [failing] = await exportsTo(destinationId);
    expect(failing).toMatchObject({ state: "pending", attempts: 2, error: expect.stringMatching(/HubSpot answered 502/) });

    await retryNow(destinationId);
    const [sent] = await exportsTo(destinationId);
    expect(sent).toMatchObject({ state: "complete", attempts: 3, reason: "Sent" });
    expect(await appliedTo("gus@example.com")).toEqual(["create"]);
  });

  it("waits for the next day when HubSpot's daily limit is used up", async () => {
    const { destinationId, groupId } = await contactsDestination("Out of calls");
    const midnight = nextUtcMidnight(Date.now());
    await control({ answers: [{ status: 429, body: { policyName: "DAILY" } }] });
    await importInto(groupId, [{ external_id: "hs8", work_email: "hal@example.com" }]);
    const [waiting] = await exportsBecome(destinationId, (r) => r.length === 1 && r[0]!.state === "pending" && r[0]!.attempts === 1);
    expect(waiting!.error).toMatch(/daily limit/);
    expect(waiting!.next_attempt_at).toBeGreaterThanOrEqual(midnight);
    expect(await contactOf("hal@example.com")).toBeUndefined();
  });

  it("splits a batch HubSpot refuses for one bad value, so only that person's Export fails, with HubSpot's reason", async () => {
    const { destinationId, groupId } = await contactsDestination("Picky");
    await importInto(groupId, [
      { external_id: "hs9", work_email: "ivy@example.com", country: "US" },
      { external_id: "hs10", work_email: "not-an-email", country: "US" },
      { external_id: "hs11", work_email: "jon@example.com", country: "CA" },
    ]);
    const rows = await exportsBecome(destinationId, settled(3));
    const byRecord = new Map(rows.map((r) => [r.record_id, r]));
    expect(byRecord.get(recordOf.get("hs10")!)).toMatchObject({
      state: "failed",
      attempts: 1,
      error: expect.stringMatching(/^HubSpot refused to create or update the contacts \(400\): Property values were not valid: email: Email address not-an-email is invalid$/),
    });
    expect(byRecord.get(recordOf.get("hs9")!)!.state).toBe("complete");
    expect(byRecord.get(recordOf.get("hs11")!)!.state).toBe("complete");
    expect(await appliedTo("ivy@example.com")).toEqual(["create"]);
    expect(await appliedTo("jon@example.com")).toEqual(["create"]);
    expect(await appliedTo("not-an-email")).toEqual([]);
  });

  it("says clearly when HubSpot refuses the access token, without showing it", async () => {
    const good = await api("POST", "/apps/test", { as, body: { plugin: "hubspot", type: "hubspot", options: { accessToken: HUBSPOT_FAKE_TOKEN, baseUrl: fake } } });
    expect(good.body.test).toMatchObject({ ok: true, message: "HubSpot accepted the access token and can read contacts" });
    const bad = await api("POST", "/apps/test", { as, body: { plugin: "hubspot", type: "hubspot", options: { accessToken: REFUSED_TOKEN, baseUrl: fake } } });
    expect(bad.body.test).toMatchObject({ ok: false, error: expect.stringMatching(/^HubSpot refused the access token \(401\): The access token is not valid/) });
    expect(bad.body.test.error).not.toContain(REFUSED_TOKEN);

    const refusedApp = await api("POST", "/apps", { as, body: { name: "CRM, old token", plugin: "hubspot", type: "hubspot", options: { accessToken: REFUSED_TOKEN, baseUrl: fake } } });
    const group = (await api("POST", "/groups", { as, body: { name: "Never sent", type: "manual" } })).body.group;
    const refused = await api("POST", "/destinations", { as, body: { appId: refusedApp.body.app.id, type: "contacts", name: "Never sent", groupId: group.id, mapping: MAPPING } });
    expect(refused.status).toBe(422);
    expect(refused.body.error.message).toMatch(/HubSpot refused the access token/);

    // A token revoked after the Destination was made fails its Exports at once: trying again would not help.
    const revokedApp = await api("POST", "/apps", { as, body: { name: "CRM, revoked", plugin: "hubspot", type: "hubspot", options: { accessToken: HUBSPOT_FAKE_TOKEN, baseUrl: fake } } });
    const { destinationId, groupId } = await contactsDestination("Revoked", { appId: revokedApp.body.app.id });
    expect((await api("PATCH", `/apps/${revokedApp.body.app.id}`, { as, body: { options: { accessToken: REFUSED_TOKEN, baseUrl: fake } } })).status).toBe(200);
    await importInto(groupId, [{ external_id: "hs12", work_email: "kim@example.com" }]);
    const [failed] = await exportsBecome(destinationId, settled(1));
    expect(failed).toMatchObject({ state: "failed", attempts: 1, error: expect.stringMatching(/^HubSpot refused the access token \(401\)/) });
    expect(failed!.error).not.toContain(REFUSED_TOKEN);
    expect(await contactOf("kim@example.com")).toBeUndefined();
  });

  it("finds a contact to archive by its address when its HubSpot id was never learned, and skips one HubSpot does not have", async () => {
    await seedContact("lou@example.com", { country: "US" });
    const appType = hubspotPlugin.apps[0]!;
    const app = appType.optionsSchema.parse({ accessToken: HUBSPOT_FAKE_TOKEN, baseUrl: fake });
    const ctx: PluginContext = { tenantId, signal: AbortSignal.timeout(10_000), files: { read: async () => null, size: async () => null }, allowPrivateNetwork: true };
    const removal = (exportId: string, email: string | null): ExportItem => ({
      exportId,
      recordId: `rec_${exportId}`,
      action: "delete",
      fields: { email },
      lists: { all: [], add: [], remove: [HUBSPOT_FAKE_LISTS.bigSpenders] },
      remoteId: null,
    });
    const outcomes = await appType.destinations[0]!.send(app, {}, [removal("known", "lou@example.com"), removal("unknown", "max@example.com"), removal("nameless", null)], ctx);
    expect(Object.fromEntries(outcomes)).toEqual({
      known: { ok: true, remoteId: null, summary: { archived: true } },
      unknown: { ok: true, remoteId: null, skipped: "not in HubSpot" },
      nameless: { ok: false, error: "No email to find the contact by: map a Property to HubSpot's email", retryable: false },
    });
    expect(await contactOf("lou@example.com")).toBeUndefined();
    expect(await appliedTo("lou@example.com")).toEqual(["create", "archive"]);
  });

  it("refuses a loopback API address unless the workspace allows private addresses", async () => {
    expect((await api("PATCH", "/workspace", { as, body: { allowPrivateDestinations: false } })).status).toBe(200);
    const test = await api("POST", `/apps/${appId}/test`, { as });
    expect(test.body.test).toMatchObject({ ok: false, error: expect.stringMatching(/private or loopback address/) });
    expect((await api("PATCH", "/workspace", { as, body: { allowPrivateDestinations: true } })).status).toBe(200);
  });
});
