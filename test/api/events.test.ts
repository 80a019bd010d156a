import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { deleteExpiredEvents } from "../../worker/cron/retention";
import { api, createKey, type Caller } from "../support/api";
import { importPeople } from "../support/import-people";
import { countsWithImports, pushWorkspace } from "../support/push-workspace";
import { deliverEventsSigned } from "../support/webhooks";

let as: Caller;
let tenantId: string;
let eventsKey: string;
let importsKey: string;
const recordOf = new Map<string, string>();

type Event = { id: string; name: string; occurredAt: string; data: Record<string, unknown>; appliedKeys: string[]; recordId: string | null };

const send = (body: unknown, headers: Record<string, string> = {}) => api("POST", "/events", { as: { key: eventsKey }, body, headers });

/** A Property's value on a Record, as stored. */
const valueOf = async (recordId: string, key: string) =>
  (
    await env.DB.prepare("select rp.value from record_properties rp join properties p on p.id = rp.property_id where rp.record_id = ? and p.key = ?")
      .bind(recordId, key)
      .first<{ value: string | null }>()
  )?.value;

async function eventOnceMatched(id: string): Promise<Event> {
  for (let i = 0; i < 300; i++) {
    const { event } = (await api("GET", `/events/${id}`, { as })).body as { event: Event };
    if (event.recordId) return event;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`event ${id} was never matched to a Record`);
}

beforeAll(async () => {
  const ws = await pushWorkspace("events");
  as = ws.as;
  tenantId = ws.ws.workspace.id;
  eventsKey = (await createKey(as, ["write:events"])).secret;
  importsKey = (await createKey(as, ["write:imports"])).secret;
  await importPeople(importsKey, [{ external_id: "e1", plan: "free" }], recordOf);
});

describe("events", { timeout: 30_000 }, () => {
  it("change the Record's Properties as an Import would, keep every other key on the event, and are listed with their Record", async () => {
    const sent = await send({ name: "plan_upgraded", occurredAt: "2026-11-20T10:00:00Z", identity: { external_id: "e1" }, data: { plan: "pro", coupon: "SPRING" } });
    expect(sent.status, JSON.stringify(sent.body)).toBe(202);
    expect(sent.body).toMatchObject({ received: 1, stored: 1, duplicates: 0, warnings: [] });
    const event = await eventOnceMatched(sent.body.eventIds[0]);
    expect(event).toMatchObject({ name: "plan_upgraded", occurredAt: "2026-11-20T10:00:00.000Z", recordId: recordOf.get("e1"), appliedKeys: ["plan"], data: { plan: "pro", coupon: "SPRING" } });
    await expect.poll(() => valueOf(recordOf.get("e1")!, "plan")).toBe("pro");
    const properties = (await api("GET", "/properties", { as })).body.properties.map((p: { key: string }) => p.key);
    expect(properties).not.toContain("coupon");
    const listed = await api("GET", `/events?recordId=${recordOf.get("e1")}&name=plan_upgraded`, { as });
    expect(listed.body.events.map((e: Event) => e.id)).toEqual([event.id]);
    const { timeline } = (await api("GET", `/records/${recordOf.get("e1")}`, { as })).body.record;
    expect(timeline).toContainEqual(expect.objectContaining({ kind: "event", id: event.id, name: "plan_upgraded", appliedKeys: ["plan"] }));
  });

  it("create the Record of someone new, and store a redelivered event (same id or Idempotency-Key) once", async () => {
    const first = await send({ id: "shop-42", name: "signed_up", identity: { external_id: "e2" }, data: { plan: "trial" } });
    const again = await send({ id: "shop-42", name: "signed_up", identity: { external_id: "e2" }, data: { plan: "trial" } });
    expect([first.body.stored, again.body.stored, again.body.duplicates]).toEqual([1, 0, 1]);
    expect(again.body.eventIds).toEqual(first.body.eventIds);
    const event = await eventOnceMatched(first.body.eventIds[0]);
    await expect.poll(() => valueOf(event.recordId!, "plan")).toBe("trial");

    const batch = [
      { name: "page_viewed", identity: { external_id: "e2" }, data: { path: "/pricing" } },
      { name: "page_viewed", identity: { external_id: "e2" }, data: { path: "/signup" } },
    ];
    const keyed = await send(batch, { "idempotency-key": "views-1" });
    const keyedAgain = await send(batch, { "idempotency-key": "views-1" });
    expect([keyed.body.stored, keyedAgain.body.stored]).toEqual([2, 0]);
    const views = await api("GET", "/events?name=page_viewed", { as });
    expect(views.body.events).toHaveLength(2);
  });

  it("refuse bad events with a clear error and store nothing of the request", async () => {
    const before = await countsWithImports();
    const ok = { name: "cart_abandoned", identity: { external_id: "e1" } };
    const cases: [unknown, number, RegExp][] = [
      [{ identity: { external_id: "e1" } }, 400, /name: is required/],
      [{ name: "cart_abandoned" }, 400, /identity: is required/],
      [{ name: "cart_abandoned", identity: {} }, 400, /identity has no value/],
      [{ name: "cart_abandoned", identity: { plan: "pro" } }, 400, /"plan" is not a unique Property/],
      [{ name: "cart_abandoned", identity: { nickname: "ada" } }, 400, /"nickname" is not a Property/],
      [{ name: "cart_abandoned", identity: { email: "not an address" } }, 400, /identity has no valid value \(email: /],
      [{ ...ok, occurredAt: new Date(Date.now() + 3_600_000).toISOString() }, 400, /more than 5 minutes ahead/],
      [{ ...ok, occurredAt: "yesterday" }, 400, /occurredAt: must be an ISO-8601 date-time/],
      [[ok, { ...ok, identity: { external_id: "" } }], 400, /event 1: its identity has no value/],
      [Array.from({ length: 1001 }, () => ok), 400, /at most 1000 events/],
      [[ok, { ...ok, data: { note: "x".repeat(70_000) } }], 413, /event at index 1 is 70,\d{3} bytes; an event may be at most 65,536/],
      [[], 400, /at least one event/],
    ];
    for (const [body, status, message] of cases) {
      const res = await send(body);
      expect(res.status, JSON.stringify(body).slice(0, 200)).toBe(status);
      expect(res.body.error.message).toMatch(message);
    }
    expect(await countsWithImports()).toEqual(before);
  });

  it("warn about data keys that look like a misspelt Property, and keep them on the event only", async () => {
    const sent = await send({ name: "profile_updated", identity: { external_id: "e1" }, data: { plna: "enterprise", referrer: "newsletter" } });
    expect(sent.status).toBe(202);
    expect(sent.body.warnings).toEqual([{ index: 0, message: expect.stringContaining('"plna" is not a Property; did you mean "plan"?') }]);
    const event = await eventOnceMatched(sent.body.eventIds[0]);
    expect(event.appliedKeys).toEqual([]);
    expect(await valueOf(recordOf.get("e1")!, "plan")).toBe("pro");
  });

  it("are listed newest first by when they happened, filtered by time and paged", async () => {
    const times = ["2026-11-01T00:00:00Z", "2026-11-02T00:00:00Z", "2026-11-03T00:00:00Z"];
    await send(times.map((occurredAt) => ({ name: "invoice_paid", occurredAt, identity: { external_id: "e1" } })));
    const first = await api("GET", "/events?name=invoice_paid&limit=2", { as });
    expect(first.body.events.map((e: Event) => e.occurredAt)).toEqual(["2026-11-03T00:00:00.000Z", "2026-11-02T00:00:00.000Z"]);
    const rest = await api("GET", `/events?name=invoice_paid&limit=2&cursor=${encodeURIComponent(first.body.nextCursor)}`, { as });
    expect(rest.body).toMatchObject({ events: [{ occurredAt: "2026-11-01T00:00:00.000Z" }], nextCursor: null });
    const window = await api("GET", "/events?name=invoice_paid&since=2026-11-02T00:00:00Z&until=2026-11-03T00:00:00Z", { as });
    expect(window.body.events.map((e: Event) => e.occurredAt)).toEqual(["2026-11-02T00:00:00.000Z"]);
    expect((await api("GET", "/events?since=soon", { as })).status).toBe(400);
    expect((await api("GET", "/events/evt_000000000000000000000000", { as })).status).toBe(404);
  });

  it("need a key with write:events to be sent, and are kept as long as the workspace says", async () => {
    const readOnly = (await createKey(as, ["read:events"])).secret;
    expect((await api("POST", "/events", { as: { key: readOnly }, body: { name: "x_happened", identity: { external_id: "e1" } } })).status).toBe(403);

    expect((await api("PATCH", "/workspace", { as, body: { eventRetentionDays: 30 } })).body.workspace.eventRetentionDays).toBe(30);
    const old = await send({ name: "old_news", occurredAt: new Date(Date.now() - 31 * 86_400_000).toISOString(), identity: { external_id: "e1" } });
    const recent = await send({ name: "old_news", occurredAt: new Date(Date.now() - 29 * 86_400_000).toISOString(), identity: { external_id: "e1" } });
    await deleteExpiredEvents(env, new Date());
    const kept = (await api("GET", "/events?name=old_news", { as })).body.events.map((e: Event) => e.id);
    expect(kept).toEqual(recent.body.eventIds);
    expect(kept).not.toContain(old.body.eventIds[0]);
    const mine = await env.DB.prepare("select count(*) as n from events where tenant_id = ?").bind(tenantId).first<{ n: number }>();
    expect(mine!.n).toBeGreaterThan(0);
  });

  it("feed Properties computed from them, which put the Record in a Group at once", async () => {
    // The events Source lists the data keys that have arrived, so one event comes first.
    await send({ name: "cart_abandoned", identity: { external_id: "e9" }, data: { cart_value: 5 } });
    const app = (await api("POST", "/apps", { as, body: { name: "Our events", plugin: "events", type: "events" } })).body.app;
    const source = await api("POST", "/sources", { as, body: { appId: app.id, name: "Events", type: "events" } });
    expect(source.status, JSON.stringify(source.body)).toBe(201);
    const abandoned = [{ column: "name", op: "eq", value: "cart_abandoned" }];
    const definitions = [
      { key: "abandoned_carts", type: "integer", column: "name", aggregation: "count", filters: abandoned },
      { key: "last_abandoned_cart_at", type: "date", column: "occurred_at", aggregation: "max", filters: abandoned },
      { key: "last_cart_value", type: "float", column: "data.cart_value", aggregation: "most_recent", sortColumn: "occurred_at", filters: abandoned },
    ];
    for (const body of definitions) {
      const res = await api("POST", "/properties", { as, body: { sourceId: source.body.source.id, ...body } });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
    }
    const group = await api("POST", "/groups", {
      as,
      body: { name: "Abandoned a cart this week", type: "calculated", rules: { match: "all", rules: [{ property: "last_abandoned_cart_at", operator: "in_last", amount: 7, unit: "days" }] } },
    });
    expect(group.status, JSON.stringify(group.body)).toBe(201);

    const recordId = recordOf.get("e1")!;
    const at = new Date(Date.now() - 3_600_000).toISOString();
    await send([
      { name: "cart_abandoned", occurredAt: new Date(Date.now() - 2 * 86_400_000).toISOString(), identity: { external_id: "e1" }, data: { cart_value: 20, cart_items: ["socks"] } },
      { name: "cart_abandoned", occurredAt: at, identity: { external_id: "e1" }, data: { cart_value: 42.5, cart_items: ["red shirt"] } },
    ]);
    await expect.poll(() => valueOf(recordId, "abandoned_carts"), { timeout: 15_000 }).toBe("2");
    expect(await valueOf(recordId, "last_cart_value")).toBe("42.5");
    expect(Date.parse((await valueOf(recordId, "last_abandoned_cart_at"))!)).toBe(Date.parse(at));
    await expect
      .poll(async () => (await api("GET", `/groups/${group.body.group.id}/members`, { as })).body.members.map((m: { recordId: string }) => m.recordId), { timeout: 15_000 })
      .toContain(recordId);
    // Transient data never becomes a Property.
    expect(await valueOf(recordId, "cart_items")).toBeUndefined();
  });

  it("arrive signed at the workspace's events webhook, without an API key", async () => {
    const body = JSON.stringify({ id: "hook-1", name: "trial_started", identity: { external_id: "e1" } });
    expect((await deliverEventsSigned(tenantId, "whsec_not-made-yet", body)).status).toBe(401);
    const made = await api("POST", "/events/webhook-secret", { as });
    expect(made.body.webhook).toEqual({ url: `/hooks/events/${tenantId}`, hasSecret: true });
    const secret: string = made.body.secret;
    expect(secret).toMatch(/^whsec_[0-9a-f]{64}$/);
    expect(JSON.stringify((await api("GET", "/audit-log", { as })).body)).not.toContain(secret.slice(6));

    expect((await deliverEventsSigned(tenantId, "whsec_wrong", body)).status).toBe(401);
    expect((await deliverEventsSigned("ten_000000000000000000000000", secret, body)).status).toBe(401);
    const delivered = await deliverEventsSigned(tenantId, secret, body);
    expect(delivered.status, JSON.stringify(delivered.body)).toBe(202);
    expect((await deliverEventsSigned(tenantId, secret, body)).body).toMatchObject({ stored: 0, duplicates: 1 });
    const event = await eventOnceMatched(delivered.body.eventIds[0]);
    expect(event).toMatchObject({ name: "trial_started", recordId: recordOf.get("e1") });

    // Rotating makes the old secret useless at once.
    await api("POST", "/events/webhook-secret", { as });
    expect((await deliverEventsSigned(tenantId, secret, body)).status).toBe(401);
  });

  it("about someone unknown wait unmatched when the workspace's events create no Records, and are matched once that Record appears", async () => {
    expect((await api("PATCH", "/workspace", { as, body: { eventsCreateRecords: false } })).body.workspace.eventsCreateRecords).toBe(false);
    const sent = await send({ name: "newsletter_clicked", identity: { external_id: "later-1" }, data: { campaign: "november" } });
    const eventId: string = sent.body.eventIds[0];
    const { importId } = (await api("GET", `/events/${eventId}`, { as })).body.event;
    await expect.poll(async () => (await api("GET", `/imports/${importId}`, { as })).body.import.state, { timeout: 10_000 }).toBe("failed");
    expect((await api("GET", `/imports/${importId}`, { as })).body.import.error).toMatch(/events do not create Records: the event waits unmatched/);
    expect((await api("GET", `/events/${eventId}`, { as })).body.event.recordId).toBeNull();
    const known = await env.DB.prepare("select count(*) as n from record_identities where tenant_id = ? and value = 'later-1'").bind(tenantId).first<{ n: number }>();
    expect(known!.n).toBe(0);

    await importPeople(importsKey, [{ external_id: "later-1", plan: "free" }], recordOf);
    expect((await eventOnceMatched(eventId)).recordId).toBe(recordOf.get("later-1"));
    const { timeline } = (await api("GET", `/records/${recordOf.get("later-1")}`, { as })).body.record;
    expect(timeline).toContainEqual(expect.objectContaining({ kind: "event", name: "newsletter_clicked" }));
    expect((await api("PATCH", "/workspace", { as, body: { eventsCreateRecords: true } })).status).toBe(200);
  });
});
