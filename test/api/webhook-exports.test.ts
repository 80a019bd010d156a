import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { recordObjectName } from "../../durable-objects/record-object";
import { signatureOf } from "../../plugins/webhook/signature";
import { api, createKey, type Caller } from "../support/api";
import { exportsBecome, exportsTo, retryNow as retryExportsNow } from "../support/exports";
import { importPeople as importPeopleWith } from "../support/import-people";
import { pushWorkspace } from "../support/push-workspace";

const receiver = inject("receiverUrl");
const SECRET = "a-long-enough-signing-secret";

let as: Caller;
let tenantId: string;
let importKey: string;
const recordOf = new Map<string, string>();
const groupOf = new Map<string, string>();

/** Imports people and puts them in the named Destination's Group, which is what sends them. */
async function importInto(name: string, people: Record<string, unknown>[]) {
  await importPeopleWith(importKey, people, recordOf);
  const recordIds = people.map((p) => recordOf.get(String(p.external_id))!);
  expect((await api("POST", `/groups/${groupOf.get(name)}/members`, { as, body: { recordIds } })).status).toBe(200);
}

/**
 * A webhook Destination posting to its own receiver, which answers as `script` says. It collects a
 * manual Group of its own, so each test sends exactly the people it puts there.
 */
async function webhookDestination(name: string, script: Record<string, unknown> = { answers: [] }, options: Record<string, unknown> = {}) {
  await fetch(`${receiver}/control/${name}`, { method: "POST", body: JSON.stringify(script) });
  const group = (await api("POST", "/groups", { as, body: { name: `${name} people`, type: "manual" } })).body.group;
  groupOf.set(name, group.id);
  const app = await api("POST", "/apps", { as, body: { name: `${name} receiver`, plugin: "webhook", type: "webhook", options: { url: `${receiver}/hooks/${name}`, secret: SECRET } } });
  expect(app.status, JSON.stringify(app.body)).toBe(201);
  const destination = await api("POST", "/destinations", {
    as,
    body: { appId: app.body.app.id, type: "webhook", name, options, groupId: group.id, mapping: [{ remote: "plan", property: "plan" }, { remote: "id", property: "external_id" }] },
  });
  expect(destination.status, JSON.stringify(destination.body)).toBe(201);
  return destination.body.destination.id as string;
}

type Delivery = { headers: Record<string, string>; body: string; status: number };
const deliveriesTo = async (name: string) => ((await (await fetch(`${receiver}/deliveries/${name}`)).json()) as { deliveries: Delivery[] }).deliveries;

/** As if the retries' waits were over: their time comes now, and the consumer runs. */
const retryNow = (destinationId: string) => retryExportsNow(tenantId, destinationId);

beforeAll(async () => {
  const ws = await pushWorkspace("webhookexports");
  as = ws.as;
  tenantId = ws.ws.workspace.id;
  importKey = (await createKey(as, ["write:imports"])).secret;
  // The receiver runs on this machine: the setting meant for local development lets webhooks reach it.
  expect((await api("PATCH", "/workspace", { as, body: { allowPrivateDestinations: true } })).status).toBe(200);
});

// Each test waits for the pipeline to hydrate, decide and send; under a full parallel run that takes more than the default 5 s.
describe("the webhook Destination", { timeout: 30_000 }, () => {
  it("delivers each change once, batched and signed so the receiver can check who sent it", async () => {
    const destinationId = await webhookDestination("signed");
    await importInto("signed", [
      { external_id: "w1", plan: "pro" },
      { external_id: "w2", plan: "free" },
    ]);
    const rows = await exportsBecome(destinationId, (r) => r.length === 2 && r.every((e) => e.state === "complete"));
    const delivered = (await deliveriesTo("signed")).filter((d) => d.status === 200);
    const items = delivered.flatMap((d) => JSON.parse(d.body).deliveries as { id: string; action: string; fields: Record<string, unknown> }[]);
    expect(items.map((i) => i.id).sort()).toEqual(rows.map((r) => r.id).sort());
    const byPerson = items.map((i) => ({ action: i.action, fields: i.fields })).sort((a, b) => String(a.fields.id).localeCompare(String(b.fields.id)));
    expect(byPerson).toEqual([
      { action: "upsert", fields: { plan: "pro", id: "w1" } },
      { action: "upsert", fields: { plan: "free", id: "w2" } },
    ]);
    for (const d of delivered) {
      const [, t, v1] = d.headers["groupflow-signature"]!.match(/^t=(\d+),v1=([0-9a-f]{64})$/)!;
      expect(v1).toBe(await signatureOf(SECRET, Number(t), d.body));
      expect(Math.abs(Date.now() / 1000 - Number(t))).toBeLessThan(60);
    }
  });

  it("waits as long as a 429's Retry-After says, holding back the Destination's other changes too", async () => {
    const destinationId = await webhookDestination("throttled", { answers: [{ status: 429, retryAfter: "7200" }] });
    await importInto("throttled", [{ external_id: "w3", plan: "pro" }]);
    const [waiting] = await exportsBecome(destinationId, (r) => r.length === 1 && r[0]!.state === "pending" && r[0]!.attempts === 1);
    expect(waiting!.error).toMatch(/429/);
    expect(waiting!.next_attempt_at).toBeGreaterThanOrEqual(Date.now() + 7_000_000);
    // Another change, due now, is not sent either: the Destination's object holds everyone back.
    await importInto("throttled", [{ external_id: "w3b", plan: "team" }]);
    await exportsBecome(destinationId, (r) => r.length === 2);
    await retryNow(destinationId);
    expect((await exportsTo(destinationId)).map((e) => [e.state, e.attempts])).toEqual([
      ["pending", 1],
      ["pending", 0],
    ]);
    expect(await deliveriesTo("throttled")).toHaveLength(1);
  });

  it("delivers a throttled change once its wait is over, and never delivers one change twice", async () => {
    const destinationId = await webhookDestination("briefly-throttled", { answers: [{ status: 429, retryAfter: "1" }] });
    await importInto("briefly-throttled", [{ external_id: "w9", plan: "pro" }]);
    await exportsBecome(destinationId, (r) => r.length === 1 && r[0]!.state === "pending" && r[0]!.attempts === 1);
    await retryNow(destinationId);
    const [sent] = await exportsTo(destinationId);
    expect(sent).toMatchObject({ state: "complete", attempts: 2, reason: "Sent" });
    const accepted = (await deliveriesTo("briefly-throttled")).filter((d) => d.status === 200).flatMap((d) => JSON.parse(d.body).deliveries.map((i: { id: string }) => i.id));
    expect(accepted).toEqual([sent!.id]);
  });

  it("tries a server error again later, and gives a change that keeps failing up with its reason after the workspace's attempts", async () => {
    expect((await api("PATCH", "/workspace", { as, body: { exportMaxAttempts: 2 } })).status).toBe(200);
    const destinationId = await webhookDestination("broken", { answers: [{ status: 500 }, { status: 503 }] });
    await importInto("broken", [{ external_id: "w4", plan: "pro" }]);
    await exportsBecome(destinationId, (r) => r.length === 1 && r[0]!.state === "pending" && r[0]!.attempts === 1);
    await retryNow(destinationId);
    const [failed] = await exportsTo(destinationId);
    expect(failed).toMatchObject({ state: "failed", attempts: 2, reason: expect.stringMatching(/^Failed after 2 attempts: The receiver answered 503/) });
    // The Destination never got it: the Record's object forgets its decision, so the next change sends the whole payload.
    const object = env.RECORDS.get(env.RECORDS.idFromName(recordObjectName(tenantId, recordOf.get("w4")!)));
    expect((await object.current())!.destinations?.[destinationId]).toMatchObject({ payload: null });
    expect((await api("PATCH", "/workspace", { as, body: { exportMaxAttempts: 10 } })).status).toBe(200);

    // Once the receiver is mended, a person retries it by hand and it arrives.
    const retried = await api("POST", `/destinations/${destinationId}/exports/retry`, { as, body: { exportId: failed!.id } });
    expect(retried.body).toEqual({ retried: 1, leftFailed: 0 });
    const [sent] = await exportsBecome(destinationId, (r) => r[0]!.state === "complete");
    expect(sent).toMatchObject({ id: failed!.id, attempts: 1, reason: "Sent" });
    // Arriving after all, it is what the Destination holds: leaving the Group (sync) removes it again.
    await expect.poll(async () => (await object.current())!.destinations?.[destinationId]?.payload, { timeout: 5_000 }).toMatchObject({ fields: { plan: "pro" } });
    expect((await api("POST", `/groups/${groupOf.get("broken")}/members/remove`, { as, body: { property: "external_id", values: ["w4"] } })).status).toBe(200);
    const [, removal] = await exportsBecome(destinationId, (r) => r.length === 2 && r[1]!.state === "complete");
    expect(removal).toMatchObject({ record_id: recordOf.get("w4"), to_delete: 1 });
    expect((await api("POST", `/destinations/${destinationId}/exports/retry`, { as, body: {} })).body).toEqual({ retried: 0, leftFailed: 0 });
    const unknown = await api("POST", `/destinations/${destinationId}/exports/retry`, { as, body: { exportId: "exp_000000000000000000000000" } });
    expect(unknown.status).toBe(404);
  });

  it("splits a batch the receiver refuses as a whole, so only the change at fault fails and the rest arrive", async () => {
    const destinationId = await webhookDestination("picky", { answers: [], refuseValue: "poison" });
    await importInto("picky", [
      { external_id: "w5", plan: "pro" },
      { external_id: "w6", plan: "poison" },
      { external_id: "w7", plan: "free" },
    ]);
    const rows = await exportsBecome(destinationId, (r) => r.length === 3 && r.every((e) => e.state === "complete" || e.state === "failed"));
    const byRecord = new Map(rows.map((r) => [r.record_id, r]));
    expect(byRecord.get(recordOf.get("w6")!)).toMatchObject({ state: "failed", error: expect.stringMatching(/refused the delivery with 400/) });
    expect(byRecord.get(recordOf.get("w5")!)!.state).toBe("complete");
    expect(byRecord.get(recordOf.get("w7")!)!.state).toBe("complete");
    const accepted = (await deliveriesTo("picky")).filter((d) => d.status === 200).flatMap((d) => JSON.parse(d.body).deliveries.map((i: { id: string }) => i.id));
    expect(accepted.sort()).toEqual([byRecord.get(recordOf.get("w5")!)!.id, byRecord.get(recordOf.get("w7")!)!.id].sort());
  });

  it("refuses to reach this machine unless the workspace allows private addresses", async () => {
    expect((await api("PATCH", "/workspace", { as, body: { allowPrivateDestinations: false } })).status).toBe(200);
    const destinationId = await webhookDestination("inward");
    await importInto("inward", [{ external_id: "w8", plan: "pro" }]);
    const [refused] = await exportsBecome(destinationId, (r) => r.length === 1 && r[0]!.state === "failed");
    expect(refused!.error).toMatch(/private or loopback address/);
    expect(await deliveriesTo("inward")).toEqual([]);
    expect((await api("PATCH", "/workspace", { as, body: { allowPrivateDestinations: true } })).status).toBe(200);
  });
});
