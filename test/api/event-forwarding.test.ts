import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { signatureOf } from "../../plugins/webhook/signature";
import { api, createKey, tableCounts, type Caller } from "../support/api";
import { exportsBecome, exportsTo, retryNow } from "../support/exports";
import { importPeople } from "../support/import-people";
import { pushWorkspace } from "../support/push-workspace";

const receiver = inject("receiverUrl");
const SECRET = "a-long-enough-signing-secret";

let as: Caller;
let tenantId: string;
let eventsKey: string;
let groupId: string;
const recordOf = new Map<string, string>();

type Delivery = { headers: Record<string, string>; body: string; status: number };
type Forwarded = { id: string; type: string; event_id: string; name: string; occurred_at: string; data: Record<string, unknown>; record_id: string; record: Record<string, unknown>; lists: string[] };

/** A Property's value on a Record, as stored. */
const valueOf = async (recordId: string, key: string) =>
  (
    await env.DB.prepare("select rp.value from record_properties rp join properties p on p.id = rp.property_id where rp.record_id = ? and p.key = ?")
      .bind(recordId, key)
      .first<{ value: string | null }>()
  )?.value;
const send = (body: unknown) => api("POST", "/events", { as: { key: eventsKey }, body });
const deliveriesTo = async (name: string) => ((await (await fetch(`${receiver}/deliveries/${name}`)).json()) as { deliveries: Delivery[] }).deliveries;
/** Every event that reached a receiver and was accepted there. */
const forwardedTo = async (name: string) =>
  (await deliveriesTo(name)).filter((d) => d.status === 200).flatMap((d) => (JSON.parse(d.body) as { deliveries: Forwarded[] }).deliveries);
const ended = (count: number) => (rows: { state: string }[]) => rows.length === count && rows.every((r) => r.state === "complete" || r.state === "failed");

/** A webhook App posting to its own receiver, which answers as `script` says. */
async function receiverApp(name: string, script: Record<string, unknown> = { answers: [] }) {
  await fetch(`${receiver}/control/${name}`, { method: "POST", body: JSON.stringify(script) });
  const app = await api("POST", "/apps", { as, body: { name: `${name} receiver`, plugin: "webhook", type: "webhook", options: { url: `${receiver}/hooks/${name}`, secret: SECRET } } });
  expect(app.status, JSON.stringify(app.body)).toBe(201);
  return app.body.app.id as string;
}

/** A webhook Destination forwarding `eventNames` for the members of the abandoned-cart Group. */
async function forwardingDestination(name: string, extra: Record<string, unknown> = {}, script?: Record<string, unknown>) {
  const appId = await receiverApp(name, script);
  const created = await api("POST", "/destinations", {
    as,
    body: {
      appId,
      type: "webhook",
      name,
      groupId,
      sendRecords: false,
      eventNames: ["cart_*"],
      mapping: [
        { remote: "id", property: "external_id" },
        { remote: "plan", property: "plan" },
        { remote: "carts", property: "abandoned_carts" },
      ],
      ...extra,
    },
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return created.body.destination.id as string;
}

beforeAll(async () => {
  const ws = await pushWorkspace("forwarding");
  as = ws.as;
  tenantId = ws.ws.workspace.id;
  eventsKey = (await createKey(as, ["write:events"])).secret;
  const importsKey = (await createKey(as, ["write:imports"])).secret;
  // The receiver runs on this machine: the setting meant for local development lets webhooks reach it.
  expect((await api("PATCH", "/workspace", { as, body: { allowPrivateDestinations: true } })).status).toBe(200);
  await importPeople(
    importsKey,
    ["c1", "c2", "c3", "c4"].map((id) => ({ external_id: id, plan: "free" })),
    recordOf,
  );
  const app = (await api("POST", "/apps", { as, body: { name: "Our events", plugin: "events", type: "events" } })).body.app;
  const source = (await api("POST", "/sources", { as, body: { appId: app.id, name: "Events", type: "events" } })).body.source;
  const abandoned = [{ column: "name", op: "eq", value: "cart_abandoned" }];
  for (const body of [
    { key: "abandoned_carts", type: "integer", column: "name", aggregation: "count", filters: abandoned },
    { key: "last_abandoned_cart_at", type: "date", column: "occurred_at", aggregation: "max", filters: abandoned },
  ]) {
    const res = await api("POST", "/properties", { as, body: { sourceId: source.id, ...body } });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
  }
  const group = await api("POST", "/groups", {
    as,
    body: { name: "Abandoned a cart in the last 7 days", type: "calculated", rules: { match: "all", rules: [{ property: "last_abandoned_cart_at", operator: "in_last", amount: 7, unit: "days" }] } },
  });
  expect(group.status, JSON.stringify(group.body)).toBe(201);
  groupId = group.body.group.id;
});

describe("forwarding events", { timeout: 30_000 }, () => {
  it("sends a subscribed event that puts its Record in the Group, signed, with the Record's Properties as they are after it; and nothing for someone outside the Group", async () => {
    const destinationId = await forwardingDestination("carts");
    const at = new Date(Date.now() - 60_000).toISOString();
    const sent = await send([
      { id: "c1-cart-1", name: "cart_abandoned", occurredAt: at, identity: { external_id: "c1" }, data: { cart_items: ["red shirt"], plan: "pro" } },
      // Not subscribed to.
      { name: "page_viewed", identity: { external_id: "c1" }, data: { path: "/checkout" } },
      // A cart abandoned too long ago to be in the Group: its person is not the Destination's.
      { name: "cart_abandoned", occurredAt: new Date(Date.now() - 10 * 86_400_000).toISOString(), identity: { external_id: "c2" }, data: { cart_items: ["socks"] } },
    ]);
    expect(sent.status, JSON.stringify(sent.body)).toBe(202);

    // c2's count is computed once its event's hydration is over: whatever it was going to forward is decided by then.
    await expect.poll(() => valueOf(recordOf.get("c2")!, "abandoned_carts"), { timeout: 15_000 }).toBe("1");
    const [forward] = await exportsBecome(destinationId, ended(1));
    expect(forward).toMatchObject({ record_id: recordOf.get("c1"), state: "complete", reason: "Forwarded" });
    const forwarded = await forwardedTo("carts");
    expect(forwarded).toEqual([
      {
        id: forward!.id,
        type: "event",
        event_id: sent.body.eventIds[0],
        name: "cart_abandoned",
        occurred_at: at,
        data: { cart_items: ["red shirt"], plan: "pro" },
        record_id: recordOf.get("c1"),
        // The event's own change (plan) and the count it adds to are in: it was forwarded once its Record had settled.
        record: { id: "c1", plan: "pro", carts: 1 },
        lists: [],
      },
    ]);
    const [delivery] = (await deliveriesTo("carts")).filter((d) => d.status === 200);
    const [, time, signature] = /^t=(\d+),v1=([0-9a-f]+)$/.exec(delivery!.headers["groupflow-signature"]!)!;
    expect(signature).toBe(await signatureOf(SECRET, Number(time), delivery!.body));

    // The Destination forwards events only: the Records themselves are not sent.
    const kinds = await env.DB.prepare("select distinct kind from exports where destination_id = ?").bind(destinationId).all<{ kind: string }>();
    expect(kinds.results).toEqual([{ kind: "event" }]);
    const listed = await api("GET", `/exports?destinationId=${destinationId}`, { as });
    expect(listed.body.exports).toEqual([expect.objectContaining({ kind: "event", state: "complete", event: expect.objectContaining({ name: "cart_abandoned", data: { cart_items: ["red shirt"], plan: "pro" } }) })]);
  });

  it("forwards an event sent again once, and tries a forward the receiver refused for a while again until it arrives", async () => {
    const destinationId = await forwardingDestination("flaky", {}, { answers: [{ status: 503 }] });
    const event = { id: "c3-cart-1", name: "cart_abandoned", identity: { external_id: "c3" }, data: { cart_items: ["hat"] } };
    expect((await send(event)).status).toBe(202);
    const [waiting] = await exportsBecome(destinationId, (rows) => rows.length === 1 && rows[0]!.state === "pending" && rows[0]!.attempts === 1);
    expect(waiting!.error).toContain("503");
    expect((await send(event)).body).toMatchObject({ stored: 0, duplicates: 1 });

    await retryNow(tenantId, destinationId);
    const rows = await exportsBecome(destinationId, ended(1));
    expect(rows[0]).toMatchObject({ state: "complete", attempts: 2 });
    expect((await forwardedTo("flaky")).map((f) => [f.name, f.record.id])).toEqual([["cart_abandoned", "c3"]]);
  });

  it("sends the Record's change before its event to a Destination that syncs Records too, and lists both", async () => {
    const destinationId = await forwardingDestination("both", { sendRecords: true, eventNames: ["cart_abandoned"] });
    expect((await send({ name: "cart_abandoned", identity: { external_id: "c4" }, data: { cart_items: ["gloves"] } })).status).toBe(202);
    await exportsBecome(destinationId, (rows) => rows.filter((r) => r.record_id === recordOf.get("c4")).length === 2 && ended(rows.length)(rows));
    const bodies = (await deliveriesTo("both")).filter((d) => d.status === 200).flatMap((d) => (JSON.parse(d.body) as { deliveries: { type?: string; action?: string; record_id: string }[] }).deliveries);
    const forC4 = bodies.filter((b) => b.record_id === recordOf.get("c4")).map((b) => b.type ?? b.action);
    expect(forC4).toEqual(["upsert", "event"]);
  });

  it("never forwards one workspace's events to another's Destinations", async () => {
    const other = await pushWorkspace("forwarding-other");
    expect((await api("PATCH", "/workspace", { as: other.as, body: { allowPrivateDestinations: true } })).status).toBe(200);
    const app = await api("POST", "/apps", { as: other.as, body: { name: "Elsewhere", plugin: "webhook", type: "webhook", options: { url: `${receiver}/hooks/elsewhere`, secret: SECRET } } });
    const theirs = await api("POST", "/destinations", { as: other.as, body: { appId: app.body.app.id, type: "webhook", name: "Every event", sendRecords: false, eventNames: ["*"], mapping: [] } });
    expect(theirs.status, JSON.stringify(theirs.body)).toBe(201);
    const ours = await forwardingDestination("ours", { groupId: null, eventNames: ["*"] });
    expect((await send({ name: "cart_abandoned", identity: { external_id: "c1" }, data: {} })).status).toBe(202);
    await exportsBecome(ours, ended(1));
    expect(await exportsTo(theirs.body.destination.id)).toEqual([]);
    expect(await deliveriesTo("elsewhere")).toEqual([]);
  });

  it("refuses subscriptions a Destination cannot take, naming the field, and stores nothing", async () => {
    const appId = await receiverApp("refusals");
    const inspector = (await api("POST", "/apps", { as, body: { name: "Inspector", plugin: "inspector", type: "inspector" } })).body.app;
    const before = await tableCounts();
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ appId: inspector.id, type: "inspector", eventNames: ["cart_abandoned"] }, /eventNames.*cannot receive events/],
      [{ appId, type: "webhook", sendRecords: false }, /eventNames.*at least one event name/],
      [{ appId, type: "webhook", eventNames: ["cart*_x"] }, /eventNames\.0/],
      [{ appId, type: "webhook", eventNames: [""] }, /eventNames\.0/],
      [{ appId, type: "webhook", eventNames: "cart_abandoned" }, /eventNames/],
    ];
    for (const [body, message] of cases) {
      const res = await api("POST", "/destinations", { as, body: { name: "Refused", mapping: [], ...body } });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(JSON.stringify(res.body.error), JSON.stringify(body)).toMatch(message);
    }
    expect(await tableCounts()).toEqual(before);
    const destinationId = await forwardingDestination("patched");
    const patched = await api("PATCH", `/destinations/${destinationId}`, { as, body: { eventNames: [] } });
    expect(patched.status).toBe(400);
    expect((await api("GET", `/destinations/${destinationId}`, { as })).body.destination).toMatchObject({ sendRecords: false, eventNames: ["cart_*"] });
    expect(await exportsTo(destinationId)).toEqual([]);
  });
});
