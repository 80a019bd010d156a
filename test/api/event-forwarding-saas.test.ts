import { beforeAll, describe, expect, inject, it } from "vitest";
import { HUBSPOT_FAKE_PORTAL_ID, HUBSPOT_FAKE_TOKEN } from "../fakes/hubspot.mjs";
import { MAILCHIMP_FAKE_AUDIENCE, MAILCHIMP_FAKE_KEY } from "../fakes/mailchimp.mjs";
import { api, createKey, type Caller } from "../support/api";
import { exportsBecome } from "../support/exports";
import { importPeople } from "../support/import-people";
import { pushWorkspace } from "../support/push-workspace";

const receiver = inject("receiverUrl");
const hubspot = `${receiver}/hubspot-forwarding`;
const mailchimp = `${receiver}/mailchimp-forwarding`;

type Occurrence = { eventName: string; contactId: string; occurredAt: string; properties: Record<string, string> };
type MemberEvent = { email: string; name: string; properties: Record<string, string>; occurred_at: string; is_syncing: boolean };
type Contact = { id: string; properties: Record<string, string> };

let as: Caller;
let eventsKey: string;
let importsKey: string;
const recordOf = new Map<string, string>();

const stateOf = async <T>(fake: string) => (await (await fetch(`${fake}/_fake/state`)).json()) as T;
const ended = (rows: { state: string }[]) => rows.length > 0 && rows.every((r) => r.state === "complete" || r.state === "failed");

/** A Destination of every Record that forwards `cart_abandoned`, besides syncing the Records themselves. */
async function forwardingDestination(app: Record<string, unknown>, destination: Record<string, unknown>) {
  const made = await api("POST", "/apps", { as, body: app });
  expect(made.status, JSON.stringify(made.body)).toBe(201);
  const created = await api("POST", "/destinations", { as, body: { appId: made.body.app.id, groupId: null, eventNames: ["cart_abandoned"], ...destination } });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return created.body.destination.id as string;
}

beforeAll(async () => {
  const ws = await pushWorkspace("saasforwarding");
  as = ws.as;
  eventsKey = (await createKey(as, ["write:events"])).secret;
  importsKey = (await createKey(as, ["write:imports"])).secret;
  const made = await api("POST", "/properties", { as, body: { key: "work_email", type: "string", sourceId: ws.pushSource.id, column: "work_email" } });
  expect(made.status, JSON.stringify(made.body)).toBe(201);
  // The fakes listen on a loopback address: the setting meant for local development lets Destinations reach them.
  expect((await api("PATCH", "/workspace", { as, body: { allowPrivateDestinations: true } })).status).toBe(200);
});

describe("forwarding events to HubSpot and Mailchimp through the pipeline", { timeout: 30_000 }, () => {
  it("records a customer's event on the HubSpot contact its Record became, by the contact's id", async () => {
    const destinationId = await forwardingDestination(
      { name: "CRM", plugin: "hubspot", type: "hubspot", options: { accessToken: HUBSPOT_FAKE_TOKEN, baseUrl: hubspot } },
      { type: "contacts", name: "Contacts and carts", options: { eventNamePrefix: `pe${HUBSPOT_FAKE_PORTAL_ID}_` }, mapping: [{ remote: "email", property: "work_email" }] },
    );
    await importPeople(importsKey, [{ external_id: "h1", work_email: "hana@example.com" }], recordOf);
    await exportsBecome(destinationId, ended);
    const contact = (await stateOf<{ contacts: Contact[] }>(hubspot)).contacts.find((c) => c.properties.email === "hana@example.com");
    expect(contact).toBeDefined();

    const at = "2026-11-20T08:30:00.000Z";
    const sent = await api("POST", "/events", { as: { key: eventsKey }, body: { name: "cart_abandoned", occurredAt: at, identity: { external_id: "h1" }, data: { cart_value: 42.5, items: ["red shirt", "socks"] } } });
    expect(sent.status, JSON.stringify(sent.body)).toBe(202);
    const rows = await exportsBecome(destinationId, (r) => r.length === 2 && ended(r));
    expect(rows.map((r) => [r.record_id, r.state, r.reason])).toEqual([
      [recordOf.get("h1"), "complete", "Sent"],
      [recordOf.get("h1"), "complete", "Forwarded"],
    ]);
    const { occurrences } = await stateOf<{ occurrences: Occurrence[] }>(hubspot);
    expect(occurrences).toEqual([
      expect.objectContaining({ eventName: `pe${HUBSPOT_FAKE_PORTAL_ID}_cart_abandoned`, contactId: contact!.id, occurredAt: at, properties: { cart_value: "42.5", items: "red shirt;socks" } }),
    ]);
  });

  it("records a customer's event on their Mailchimp member", async () => {
    const destinationId = await forwardingDestination(
      { name: "Newsletter", plugin: "mailchimp", type: "mailchimp", options: { apiKey: MAILCHIMP_FAKE_KEY, serverUrl: mailchimp } },
      { type: "audience", name: "Audience and carts", options: { audienceId: MAILCHIMP_FAKE_AUDIENCE }, mapping: [{ remote: "email_address", property: "work_email" }] },
    );
    await importPeople(importsKey, [{ external_id: "m1", work_email: "milo@example.com" }], recordOf);
    await exportsBecome(destinationId, ended);
    const sent = await api("POST", "/events", { as: { key: eventsKey }, body: { name: "cart_abandoned", identity: { external_id: "m1" }, data: { cart_value: 12 } } });
    expect(sent.status, JSON.stringify(sent.body)).toBe(202);
    // Every Record is in this Destination's collection, the HubSpot test's customer too.
    const rows = (await exportsBecome(destinationId, (r) => r.filter((e) => e.record_id === recordOf.get("m1")).length === 2 && ended(r))).filter((e) => e.record_id === recordOf.get("m1"));
    expect(rows.map((r) => [r.state, r.reason])).toEqual([
      ["complete", "Sent"],
      ["complete", "Forwarded"],
    ]);
    const { events } = await stateOf<{ events: MemberEvent[] }>(mailchimp);
    expect(events).toEqual([expect.objectContaining({ email: "milo@example.com", name: "cart_abandoned", properties: { cart_value: "12" }, is_syncing: false })]);
  });
});
