import { describe, expect, inject, it } from "vitest";
import { SendError, type DestinationType, type EventItem, type PluginContext } from "../../plugins/contract";
import { hubspotPlugin } from "../../plugins/hubspot";
import { mailchimpPlugin } from "../../plugins/mailchimp";
import { HUBSPOT_FAKE_PORTAL_ID, HUBSPOT_FAKE_TOKEN } from "../fakes/hubspot.mjs";
import { MAILCHIMP_FAKE_AUDIENCE, MAILCHIMP_FAKE_KEY } from "../fakes/mailchimp.mjs";

// The plugins' sendEvents called as the core calls it, against the local fakes of HubSpot and Mailchimp.
// Every test uses addresses of its own, since other test files share the fakes.

const receiver = inject("receiverUrl");
const hubspotFake = `${receiver}/hubspot-events`;
const mailchimpFake = `${receiver}/mailchimp-events`;
const PREFIX = `pe${HUBSPOT_FAKE_PORTAL_ID}_`;
const OCCURRED_AT = "2024-05-01T10:00:00.000Z";

/** A context like the core's, keeping each request the plugin says it sent. */
function context() {
  const requests: string[] = [];
  const ctx: PluginContext = {
    tenantId: "ten_eventforwarding",
    signal: AbortSignal.timeout(10_000),
    files: { read: async () => null, size: async () => null },
    allowPrivateNetwork: true,
    onQuery: (statement) => requests.push(statement),
  };
  return { ctx, requests };
}

let nextExport = 0;
function eventItem(name: string, fields: Record<string, unknown>, options: { data?: Record<string, unknown>; remoteId?: string; eventId?: string } = {}): EventItem {
  nextExport += 1;
  return {
    exportId: `exp_${nextExport}`,
    recordId: `rec_${nextExport}`,
    event: { id: options.eventId ?? `evt_${crypto.randomUUID()}`, name, occurredAt: OCCURRED_AT, data: options.data ?? {} },
    fields,
    lists: [],
    remoteId: options.remoteId ?? null,
  };
}

const post = (url: string, authorization: string, body: unknown) => fetch(url, { method: "POST", headers: { authorization, "content-type": "application/json" }, body: JSON.stringify(body) });

/* ---------- HubSpot ---------- */

const hubspotApp = hubspotPlugin.apps[0]!;
const contactsDestination = hubspotApp.destinations[0] as DestinationType<unknown, unknown>;
const hubspotOptions = (options: Record<string, unknown> = { eventNamePrefix: PREFIX }) => contactsDestination.optionsSchema.parse(options);
const hubspotAppOptions = (accessToken = HUBSPOT_FAKE_TOKEN) => hubspotApp.optionsSchema.parse({ accessToken, baseUrl: hubspotFake });

type Occurrence = { eventName: string; contactId: string; email: string | null; occurredAt: string; properties: Record<string, string> };
const hubspotControl = (plan: Record<string, unknown>) => fetch(`${hubspotFake}/_fake/control`, { method: "POST", body: JSON.stringify(plan) });
const occurrencesOf = async (email: string) => {
  const state = (await (await fetch(`${hubspotFake}/_fake/state`)).json()) as { occurrences: Occurrence[] };
  return state.occurrences.filter((o) => o.email === email).map(({ eventName, contactId, occurredAt, properties }) => ({ eventName, contactId, occurredAt, properties }));
};

/** A contact put straight into the fake, as if it had been synced before; answers its HubSpot id. */
async function hubspotContact(email: string): Promise<string> {
  const res = await post(`${hubspotFake}/crm/v3/objects/contacts/batch/upsert`, `Bearer ${HUBSPOT_FAKE_TOKEN}`, { inputs: [{ idProperty: "email", id: email, properties: { email } }] });
  expect(res.status).toBe(200);
  return ((await res.json()) as { results: { id: string }[] }).results[0]!.id;
}

const sendToHubspot = (items: EventItem[], options = hubspotOptions(), ctx = context().ctx, app = hubspotAppOptions()) => contactsDestination.sendEvents!(app, options, items, ctx);

describe("forwarding events to HubSpot", { timeout: 30_000 }, () => {
  it("records an event on the contact found by its email, under the prefixed name, at the time it happened, with its data as text properties", async () => {
    const contactId = await hubspotContact("ivy.events@example.com");
    const item = eventItem("cart_abandoned", { email: " Ivy.Events@Example.com " }, { data: { cart_value: 42.5, currency: "EUR", items: ["hat", "scarf"], item_count: null } });
    const { ctx, requests } = context();

    const outcomes = await sendToHubspot([item], hubspotOptions(), ctx);

    expect(outcomes.get(item.exportId)).toEqual({ ok: true, summary: { eventName: `${PREFIX}cart_abandoned` } });
    expect(requests).toEqual(["POST /hubspot-events/events/v3/send"]);
    expect(await occurrencesOf("ivy.events@example.com")).toEqual([
      { eventName: `${PREFIX}cart_abandoned`, contactId, occurredAt: OCCURRED_AT, properties: { cart_value: "42.5", currency: "EUR", items: "hat;scarf" } },
    ]);
  });

  it("names a contact by the HubSpot id an earlier send learned, uses an override over the prefix, and sends several events in one request", async () => {
    const renamedId = await hubspotContact("jo.events@example.com");
    const otherId = await hubspotContact("kai.events@example.com");
    const options = hubspotOptions({ eventNamePrefix: PREFIX, eventNameOverrides: `\ncheckout_done = ${PREFIX}order_placed\n` });
    // The Record's address changed since; the id still finds the contact.
    const byId = eventItem("checkout_done", { email: "jo.new-address@example.com" }, { remoteId: renamedId, data: { order_id: "A-1", total: 99 } });
    const byEmail = eventItem("cart_abandoned", { email: "kai.events@example.com" }, { data: { currency: "USD" } });
    const { ctx, requests } = context();

    const outcomes = await sendToHubspot([byId, byEmail], options, ctx);

    expect(Object.fromEntries(outcomes)).toEqual({
      [byId.exportId]: { ok: true, summary: { eventName: `${PREFIX}order_placed` } },
      [byEmail.exportId]: { ok: true, summary: { eventName: `${PREFIX}cart_abandoned` } },
    });
    expect(requests).toEqual(["POST /hubspot-events/events/v3/send/batch"]);
    expect(await occurrencesOf("jo.events@example.com")).toEqual([{ eventName: `${PREFIX}order_placed`, contactId: renamedId, occurredAt: OCCURRED_AT, properties: { order_id: "A-1", total: "99" } }]);
    expect(await occurrencesOf("kai.events@example.com")).toEqual([{ eventName: `${PREFIX}cart_abandoned`, contactId: otherId, occurredAt: OCCURRED_AT, properties: { currency: "USD" } }]);
  });

  it("sends a full batch of events, as many as its limits allow, in one request", async () => {
    await hubspotContact("lea.events@example.com");
    const { eventBatchSize } = contactsDestination.limits(hubspotAppOptions(), hubspotOptions());
    expect(eventBatchSize).toBe(100);
    const items = Array.from({ length: eventBatchSize! }, (_, i) => eventItem("cart_abandoned", { email: "lea.events@example.com" }, { data: { item_count: i } }));
    const { ctx, requests } = context();

    const outcomes = await sendToHubspot(items, hubspotOptions(), ctx);

    expect([...outcomes.values()].every((o) => o.ok)).toBe(true);
    expect(requests).toEqual(["POST /hubspot-events/events/v3/send/batch"]);
    expect((await occurrencesOf("lea.events@example.com")).map((o) => o.properties.item_count)).toEqual(items.map((_, i) => String(i)));
  });

  it("fails an event for a contact HubSpot does not have, for good, with HubSpot's reason", async () => {
    const item = eventItem("cart_abandoned", { email: "nobody.events@example.com" });

    const outcomes = await sendToHubspot([item]);

    expect(outcomes.get(item.exportId)).toEqual({
      ok: false,
      retryable: false,
      error: `HubSpot refused to record ${PREFIX}cart_abandoned for nobody.events@example.com (404): Could not find a contact with email nobody.events@example.com`,
    });
  });

  it("fails an event HubSpot has no definition or property for, with HubSpot's reason", async () => {
    await hubspotContact("max.events@example.com");
    const undefinedEvent = eventItem("wishlist_added", { email: "max.events@example.com" });
    const unknownProperty = eventItem("cart_abandoned", { email: "max.events@example.com" }, { data: { coupon: "SPRING" } });

    const [first, second] = [await sendToHubspot([undefinedEvent]), await sendToHubspot([unknownProperty])];

    expect(first.get(undefinedEvent.exportId)).toMatchObject({ ok: false, retryable: false, error: expect.stringContaining(`No event named ${PREFIX}wishlist_added is defined in this account`) });
    expect(second.get(unknownProperty.exportId)).toMatchObject({ ok: false, retryable: false, error: expect.stringContaining(`Property coupon is not defined on event ${PREFIX}cart_abandoned`) });
    expect(await occurrencesOf("max.events@example.com")).toEqual([]);
  });

  it("hands a batch HubSpot refuses as a whole back to the core to split, having recorded none of it", async () => {
    await hubspotContact("ned.events@example.com");
    const known = eventItem("cart_abandoned", { email: "ned.events@example.com" });
    const unknown = eventItem("cart_abandoned", { email: "nobody-either.events@example.com" });

    const refused = await sendToHubspot([known, unknown]).catch((err: unknown) => err);

    expect(refused).toBeInstanceOf(SendError);
    expect(refused).toMatchObject({ retryable: false, details: { status: 404 }, message: expect.stringContaining("Could not find a contact with email nobody-either.events@example.com") });
    expect(await occurrencesOf("ned.events@example.com")).toEqual([]);
  });

  it("fails events HubSpot could never take on their own, before any request, and sends the rest", async () => {
    await hubspotContact("ola.events@example.com");
    const unnamed = eventItem("signed_up", { email: "ola.events@example.com" });
    const nobody = eventItem("cart_abandoned", { email: "" });
    const badKey = eventItem("cart_abandoned", { email: "ola.events@example.com" }, { data: { cartValue: 10 } });
    const fine = eventItem("cart_abandoned", { email: "ola.events@example.com" }, { data: { cart_value: 10 } });
    const { ctx, requests } = context();

    const outcomes = await sendToHubspot([unnamed, nobody, badKey, fine], hubspotOptions({ eventNameOverrides: `cart_abandoned = ${PREFIX}cart_abandoned` }), ctx);

    expect(Object.fromEntries(outcomes)).toEqual({
      [unnamed.exportId]: {
        ok: false,
        retryable: false,
        error: 'No HubSpot event name for "signed_up": set the Destination\'s event name prefix (e.g. pe12345_) or give "signed_up" a name in its event name overrides',
      },
      [nobody.exportId]: { ok: false, retryable: false, error: "No contact to record the event on: the Record has no HubSpot contact id yet and no email; map a Property to HubSpot's email" },
      [badKey.exportId]: {
        ok: false,
        retryable: false,
        error: 'HubSpot has no event property "cartValue": its property names start with a lower-case letter and hold only lower-case letters, digits and underscores, at most 50 characters',
      },
      [fine.exportId]: { ok: true, summary: { eventName: `${PREFIX}cart_abandoned` } },
    });
    expect(requests).toEqual(["POST /hubspot-events/events/v3/send"]);
    expect((await occurrencesOf("ola.events@example.com")).map((o) => o.properties)).toEqual([{ cart_value: "10" }]);
  });

  it("keeps an event sent again (its answer lost) once", async () => {
    await hubspotContact("pia.events@example.com");
    const item = eventItem("cart_abandoned", { email: "pia.events@example.com" }, { data: { currency: "EUR" } });

    await sendToHubspot([item]);
    const again = await sendToHubspot([{ ...item, exportId: "exp_again" }]);

    expect(again.get("exp_again")).toMatchObject({ ok: true });
    expect(await occurrencesOf("pia.events@example.com")).toHaveLength(1);
  });

  it("lets every event of a throttled batch wait as long as HubSpot asks, and a failing HubSpot be tried again", async () => {
    await hubspotContact("quinn.events@example.com");
    const batch = () => [eventItem("cart_abandoned", { email: "quinn.events@example.com" }), eventItem("cart_abandoned", { email: "quinn.events@example.com" })];

    await hubspotControl({ answers: [{ status: 429, retryAfter: "3", body: { policyName: "TEN_SECONDLY_ROLLING" } }] });
    const throttled = batch();
    const rolling = await sendToHubspot(throttled);
    await hubspotControl({ answers: [{ status: 429, body: { policyName: "DAILY" } }] });
    const daily = await sendToHubspot(batch());
    await hubspotControl({ answers: [{ status: 502 }] });
    const down = await sendToHubspot(batch());

    for (const item of throttled) {
      expect(rolling.get(item.exportId)).toEqual({ ok: false, retryable: true, retryAfterMs: 3000, error: expect.stringMatching(/^HubSpot is throttling requests \(TEN_SECONDLY_ROLLING\)/) });
    }
    for (const outcome of daily.values()) {
      expect(outcome).toMatchObject({ ok: false, retryable: true, retryAfterMs: expect.any(Number), error: expect.stringMatching(/daily limit .* after midnight UTC/) });
    }
    for (const outcome of down.values()) expect(outcome).toMatchObject({ ok: false, retryable: true, error: expect.stringMatching(/^HubSpot answered 502/) });
    expect(await occurrencesOf("quinn.events@example.com")).toEqual([]);
  });

  it("fails every event for good when HubSpot refuses the token", async () => {
    const item = eventItem("cart_abandoned", { email: "rae.events@example.com" });

    const outcomes = await sendToHubspot([item], hubspotOptions(), context().ctx, hubspotAppOptions("pat-na1-00000000-0000-4000-8000-000000000000"));

    expect(outcomes.get(item.exportId)).toMatchObject({ ok: false, retryable: false, error: expect.stringMatching(/^HubSpot refused the access token \(401\)/) });
  });

  it("checks the event name options with messages that say what to write", () => {
    const problemOf = (options: Record<string, unknown>) => {
      const parsed = contactsDestination.optionsSchema.safeParse(options);
      return parsed.success ? null : parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
    };

    expect(problemOf({ eventNamePrefix: "12345_" })).toEqual([
      'eventNamePrefix: must be "pe", the HubSpot account id and "_", e.g. pe12345_ (HubSpot shows it at the start of every event\'s internal name)',
    ]);
    expect(problemOf({ eventNameOverrides: "cart_abandoned pe1_x\norder = abandoned_cart\na = pe1_x\na = pe1_y" })).toEqual([
      'eventNameOverrides: line 1: write a Groupflow event name, "=", then the HubSpot event\'s fully qualified name, e.g. cart_abandoned = pe12345_abandoned_cart',
      'eventNameOverrides: line 2: "abandoned_cart" is not a fully qualified HubSpot event name ("pe", the account id, "_" and the event\'s name, e.g. pe12345_abandoned_cart)',
      'eventNameOverrides: line 4: "a" already has a HubSpot name on line 3',
    ]);
    // Blank fields from a form save as none, and saved options read back the same.
    expect(hubspotOptions({ eventNamePrefix: " ", eventNameOverrides: "" })).toEqual({});
    const saved = hubspotOptions({ eventNamePrefix: ` ${PREFIX} `, eventNameOverrides: `a = ${PREFIX}x` });
    expect(hubspotOptions(saved as Record<string, unknown>)).toEqual({ eventNamePrefix: PREFIX, eventNameOverrides: `a = ${PREFIX}x` });
  });
});

/* ---------- Mailchimp ---------- */

const mailchimpApp = mailchimpPlugin.apps[0]!;
const audienceDestination = mailchimpApp.destinations[0] as DestinationType<unknown, unknown>;
const audienceOptions = (options: Record<string, unknown> = {}) => audienceDestination.optionsSchema.parse({ audienceId: MAILCHIMP_FAKE_AUDIENCE, ...options });
const mailchimpAppOptions = mailchimpApp.optionsSchema.parse({ apiKey: MAILCHIMP_FAKE_KEY, serverUrl: mailchimpFake });

type MemberEvent = { email: string; name: string; properties: Record<string, string>; occurred_at: string; is_syncing: boolean };
const mailchimpControl = (plan: Record<string, unknown>) => fetch(`${mailchimpFake}/_fake/control`, { method: "POST", body: JSON.stringify(plan) });
const memberEventsOf = async (email: string) => {
  const state = (await (await fetch(`${mailchimpFake}/_fake/state`)).json()) as { events: MemberEvent[] };
  return state.events.filter((e) => e.email === email).map(({ name, properties, occurred_at, is_syncing }) => ({ name, properties, occurred_at, is_syncing }));
};

/** A member put into the fake's audience through its batch subscribe, as if synced before. */
async function audienceMember(email: string) {
  const res = await post(`${mailchimpFake}/3.0/lists/${MAILCHIMP_FAKE_AUDIENCE}`, `Basic ${btoa(`test:${MAILCHIMP_FAKE_KEY}`)}`, { members: [{ email_address: email, status: "subscribed" }], update_existing: true });
  expect(res.status).toBe(200);
}

const sendToMailchimp = (items: EventItem[], options = audienceOptions(), ctx = context().ctx) => audienceDestination.sendEvents!(mailchimpAppOptions, options, items, ctx);

describe("forwarding events to Mailchimp", { timeout: 30_000 }, () => {
  it("records an event on the member with the mapped address, at the time it happened, with its data as text, starting automations", async () => {
    await audienceMember("nia.events@example.com");
    const item = eventItem("cart_abandoned", { email_address: "Nia.Events@example.com", FNAME: "Nia" }, { data: { cart_value: 42.5, items: ["hat", "scarf"], gift: true, coupon: null } });

    const outcomes = await sendToMailchimp([item]);

    expect(outcomes.get(item.exportId)).toEqual({ ok: true, summary: { name: "cart_abandoned" } });
    expect(await memberEventsOf("nia.events@example.com")).toEqual([
      { name: "cart_abandoned", properties: { cart_value: "42.5", items: "hat, scarf", gift: "true" }, occurred_at: "2024-05-01T10:00:00+00:00", is_syncing: false },
    ]);
  });

  it("records events without starting automations when the Destination says so", async () => {
    await audienceMember("otto.events@example.com");
    const item = eventItem("order-placed", { email_address: "otto.events@example.com" });

    await sendToMailchimp([item], audienceOptions({ triggerAutomations: false }));

    expect(await memberEventsOf("otto.events@example.com")).toEqual([{ name: "order-placed", properties: {}, occurred_at: "2024-05-01T10:00:00+00:00", is_syncing: true }]);
  });

  it("fails an event for someone not in the audience, for good, and still sends the events after it", async () => {
    await audienceMember("pam.events@example.com");
    const stranger = eventItem("cart_abandoned", { email_address: "stranger.events@example.com" });
    const member = eventItem("cart_abandoned", { email_address: "pam.events@example.com" });

    const outcomes = await sendToMailchimp([stranger, member]);

    expect(Object.fromEntries(outcomes)).toEqual({
      [stranger.exportId]: { ok: false, retryable: false, error: `Mailchimp has no member stranger.events@example.com in audience ${MAILCHIMP_FAKE_AUDIENCE} to record cart_abandoned on` },
      [member.exportId]: { ok: true, summary: { name: "cart_abandoned" } },
    });
    expect(await memberEventsOf("pam.events@example.com")).toHaveLength(1);
  });

  it("fails events whose name or data Mailchimp refuses on their own, with a readable reason", async () => {
    await audienceMember("rex.events@example.com");
    const email = { email_address: "rex.events@example.com" };
    const spaced = eventItem("cart abandoned", email);
    const short = eventItem("x", email);
    const long = eventItem("a".repeat(31), email);
    const nobody = eventItem("cart_abandoned", {});
    const refusedData = eventItem("order_placed", email, { data: { note: "n".repeat(2000) } });
    const fine = eventItem("order_placed", email, { data: { total: 12 } });
    const { ctx, requests } = context();
    // Mailchimp's own refusal of the one event it is sent with data it will not take.
    const invalid = {
      type: "https://mailchimp.com/developer/marketing/docs/errors/",
      title: "Invalid Resource",
      status: 400,
      detail: "The resource submitted could not be validated. For field-specific details, see the 'errors' array.",
      errors: [{ field: "properties.note", message: "The value is too long." }],
    };
    await mailchimpControl({ answers: [{ status: 400, body: invalid }] });

    const outcomes = await sendToMailchimp([spaced, short, long, nobody, refusedData, fine], audienceOptions(), ctx);

    const nameRule = "its event names are 2 to 30 letters, digits, underscores or dashes";
    expect(Object.fromEntries(outcomes)).toEqual({
      [spaced.exportId]: { ok: false, retryable: false, error: `Mailchimp cannot take the event name "cart abandoned": ${nameRule}` },
      [short.exportId]: { ok: false, retryable: false, error: `Mailchimp cannot take the event name "x": ${nameRule}` },
      [long.exportId]: { ok: false, retryable: false, error: `Mailchimp cannot take the event name "${"a".repeat(31)}": ${nameRule}` },
      [nobody.exportId]: { ok: false, retryable: false, error: "No email_address to find the member by: map a Property to it" },
      [refusedData.exportId]: {
        ok: false,
        retryable: false,
        error: "Mailchimp refused to record order_placed for rex.events@example.com (400): The resource submitted could not be validated. For field-specific details, see the 'errors' array. properties.note: The value is too long.",
      },
      [fine.exportId]: { ok: true, summary: { name: "order_placed" } },
    });
    expect(requests).toHaveLength(2);
    expect(await memberEventsOf("rex.events@example.com")).toEqual([{ name: "order_placed", properties: { total: "12" }, occurred_at: "2024-05-01T10:00:00+00:00", is_syncing: false }]);
  });

  it("lets a throttled event and the events after it wait as long as Mailchimp asks, and a failing Mailchimp be tried again", async () => {
    await audienceMember("sue.events@example.com");
    const items = () => [1, 2, 3].map(() => eventItem("cart_abandoned", { email_address: "sue.events@example.com" }));

    await mailchimpControl({ answers: [{ status: 429, retryAfter: "2" }] });
    const throttledItems = items();
    const throttled = await sendToMailchimp(throttledItems);
    await mailchimpControl({ answers: [{ status: 503 }] });
    const down = await sendToMailchimp(items());

    for (const item of throttledItems) {
      expect(throttled.get(item.exportId)).toEqual({ ok: false, retryable: true, retryAfterMs: 2000, error: expect.stringMatching(/^Mailchimp answered 429/) });
    }
    for (const outcome of down.values()) expect(outcome).toMatchObject({ ok: false, retryable: true, error: expect.stringMatching(/^Mailchimp answered 503/) });
    expect(await memberEventsOf("sue.events@example.com")).toEqual([]);
  });

  it("takes as many events in one send as its limits allow, each recorded in order", async () => {
    await audienceMember("tia.events@example.com");
    const { eventBatchSize } = audienceDestination.limits(mailchimpAppOptions, audienceOptions());
    expect(eventBatchSize).toBe(20);
    const items = Array.from({ length: eventBatchSize! }, (_, i) => eventItem("page_viewed", { email_address: "tia.events@example.com" }, { data: { page: String(i) } }));
    const { ctx, requests } = context();

    const outcomes = await sendToMailchimp(items, audienceOptions(), ctx);

    expect([...outcomes.values()].every((o) => o.ok)).toBe(true);
    expect(requests).toHaveLength(eventBatchSize!);
    expect((await memberEventsOf("tia.events@example.com")).map((e) => e.properties.page)).toEqual(items.map((_, i) => String(i)));
  });

  it("has a fake that refuses what the plugin keeps from Mailchimp, in Mailchimp's words", async () => {
    await audienceMember("uma.events@example.com");
    const hash = await crypto.subtle.digest("MD5", new TextEncoder().encode("uma.events@example.com"));
    const hex = [...new Uint8Array(hash)].map((b) => b.toString(16).padStart(2, "0")).join("");

    const res = await post(`${mailchimpFake}/3.0/lists/${MAILCHIMP_FAKE_AUDIENCE}/members/${hex}/events`, `Basic ${btoa(`test:${MAILCHIMP_FAKE_KEY}`)}`, {
      name: "cart abandoned",
      properties: { total: 12 },
      occurred_at: "yesterday",
    });

    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({
      title: "Invalid Resource",
      status: 400,
      errors: [
        { field: "name", message: "Event names must be 2 to 30 characters: letters, numbers, underscores and dashes only" },
        { field: "properties.total", message: "Schema describes string, integer found instead" },
        { field: "occurred_at", message: "This value is not a valid datetime." },
      ],
    });
    expect(await memberEventsOf("uma.events@example.com")).toEqual([]);
  });

  it("starts automations unless told otherwise, and says what the option takes", () => {
    expect(audienceOptions()).toEqual({ audienceId: MAILCHIMP_FAKE_AUDIENCE, status: "subscribed", triggerAutomations: true });
    const parsed = audienceDestination.optionsSchema.safeParse({ audienceId: MAILCHIMP_FAKE_AUDIENCE, triggerAutomations: "no" });
    expect(parsed.success ? null : parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`)).toEqual(["triggerAutomations: must be true or false"]);
  });
});
