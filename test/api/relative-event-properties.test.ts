import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { rowMatches } from "../../plugins/shared/aggregate";
import { refreshLapsedEventWindows } from "../../worker/cron/event-windows";
import { createDb, runBatch } from "../../worker/db/client";
import { TenantScope } from "../../worker/db/tenant-scope";
import { hydrateImports } from "../../worker/pipeline/hydrate";
import { refreshImports } from "../../worker/services/imports";
import { api, createKey } from "../support/api";
import { countsWithImports, pushWorkspace } from "../support/push-workspace";
import { planOf, recordingD1 } from "../support/query-plans";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

const ago = (ms: number) => new Date(Date.now() - ms).toISOString();
const IN_LAST_7_DAYS = { column: "occurred_at", op: "in_last", value: { amount: 7, unit: "days" } };
const CARTS = { column: "name", op: "eq", value: "cart_abandoned" };

/** A workspace with an Events Source and a Property counting abandoned carts in the last 7 days. */
async function eventsWorkspace(label: string) {
  const ws = await pushWorkspace(label);
  const as = ws.as;
  const eventsKey = (await createKey(as, ["write:events"])).secret;
  const app = (await api("POST", "/apps", { as, body: { name: "Our events", plugin: "events", type: "events" } })).body.app;
  const source = (await api("POST", "/sources", { as, body: { appId: app.id, name: "Events", type: "events" } })).body.source;
  const property = await api("POST", "/properties", {
    as,
    body: { sourceId: source.id, key: "carts_7d", type: "integer", column: "name", aggregation: "count", filters: [CARTS, IN_LAST_7_DAYS] },
  });
  expect(property.status, JSON.stringify(property.body)).toBe(201);
  expect(property.body.property.filters).toEqual([CARTS, IN_LAST_7_DAYS]);
  return { as, tenantId: ws.ws.workspace.id as string, eventsKey, sourceId: source.id as string };
}

type Workspace = Awaited<ReturnType<typeof eventsWorkspace>>;

/** Sends events of one person and waits until they name that person's Record. */
async function sendEvents(w: Workspace, externalId: string, events: { name: string; occurredAt: string }[]) {
  const sent = await api("POST", "/events", { as: { key: w.eventsKey }, body: events.map((e) => ({ ...e, identity: { external_id: externalId } })) });
  expect(sent.status, JSON.stringify(sent.body)).toBe(202);
  for (let i = 0; i < 300; i++) {
    const { event } = (await api("GET", `/events/${sent.body.eventIds.at(-1)}`, { as: w.as })).body;
    if (event.recordId) return event.recordId as string;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`the events of ${externalId} were never matched to a Record`);
}

const valueOf = async (recordId: string, key: string) =>
  (
    await env.DB.prepare("select rp.value from record_properties rp join properties p on p.id = rp.property_id where rp.record_id = ? and p.key = ?")
      .bind(recordId, key)
      .first<{ value: string | null }>()
  )?.value;

const membersOf = async (w: Workspace, groupId: string) =>
  (await api("GET", `/groups/${groupId}/members`, { as: w.as })).body.members.map((m: { recordId: string }) => m.recordId) as string[];

const refreshesOf = async (recordId: string) =>
  (await env.DB.prepare("select state from imports where record_id = ? and via = 'refresh'").bind(recordId).all<{ state: string }>()).results.map((r) => r.state);

/**
 * Moves a workspace `ms` into the future as far as its stored times tell: every event happened that
 * much earlier, and the last check of each window was that long ago.
 */
async function letTimePass(tenantId: string, ms: number) {
  await env.DB.batch([
    env.DB.prepare("update events set occurred_at = occurred_at - ?1 where tenant_id = ?2").bind(ms, tenantId),
    env.DB.prepare("update event_window_checks set checked_at = checked_at - ?1 where tenant_id = ?2").bind(ms, tenantId),
  ]);
}

describe("in_last filter", () => {
  const now = Date.parse("2026-06-10T12:00:00Z");
  const window = [{ column: "at", op: "in_last" as const, value: { amount: 2, unit: "hours" as const } }];
  const passes = (at: unknown) => rowMatches({ at }, window, now);

  it("passes rows whose time is within the window up to now, read as a date Property reads times", () => {
    expect(passes("2026-06-10T11:00:00Z")).toBe(true);
    expect(passes("2026-06-10T10:00:00Z")).toBe(true);
    expect(passes("2026-06-10 10:30:00")).toBe(true);
    expect(passes("2026-06-10T13:30:00+02:00")).toBe(true);
    expect(passes(new Date(now - HOUR))).toBe(true);
    expect(passes((now - HOUR) / 1000)).toBe(true);
    expect(passes(String(now - HOUR))).toBe(true);
    expect(passes("2026-06-10T09:59:59.999Z")).toBe(false);
    expect(passes("2026-06-10T12:00:01Z")).toBe(false);
    expect(passes("2026-06-09")).toBe(false);
  });

  it("fails rows with no time or one that cannot be read", () => {
    for (const at of [undefined, null, "", "soon", "2026-13-45", true, { at: now }, Number.NaN]) expect(passes(at), String(at)).toBe(false);
    expect(rowMatches({}, window, now)).toBe(false);
  });
});

describe("Properties counting events in the last N days", { timeout: 60_000 }, () => {
  let w: Workspace;
  beforeAll(async () => {
    w = await eventsWorkspace("relative");
  });

  it("count only recent events, and the every-minute work alone brings them down as events age out", async () => {
    const group = await api("POST", "/groups", {
      as: w.as,
      body: { name: "Abandoned two carts this week", type: "calculated", rules: { match: "all", rules: [{ property: "carts_7d", operator: "gte", value: 2 }] } },
    });
    expect(group.status, JSON.stringify(group.body)).toBe(201);
    const groupId: string = group.body.group.id;

    const ada = await sendEvents(w, "ada", [
      { name: "cart_abandoned", occurredAt: ago(9 * DAY) },
      { name: "cart_abandoned", occurredAt: ago(6 * DAY + 20 * HOUR) },
      { name: "cart_abandoned", occurredAt: ago(HOUR) },
    ]);
    const bob = await sendEvents(w, "bob", [
      { name: "page_viewed", occurredAt: ago(6 * DAY + 20 * HOUR) },
      { name: "cart_abandoned", occurredAt: ago(2 * DAY) },
    ]);
    await expect.poll(() => valueOf(ada, "carts_7d"), { timeout: 15_000 }).toBe("2");
    await expect.poll(() => valueOf(bob, "carts_7d"), { timeout: 15_000 }).toBe("1");
    await expect.poll(() => membersOf(w, groupId), { timeout: 15_000 }).toEqual([ada]);

    // The first check only starts following the window: nothing has left it yet.
    await refreshLapsedEventWindows(env, new Date());
    expect(await refreshesOf(ada)).toEqual([]);

    await letTimePass(w.tenantId, 12 * HOUR);
    await refreshLapsedEventWindows(env, new Date());
    await expect.poll(() => valueOf(ada, "carts_7d"), { timeout: 15_000 }).toBe("1");
    await expect.poll(() => membersOf(w, groupId), { timeout: 15_000 }).toEqual([]);
    await expect.poll(() => refreshesOf(ada), { timeout: 15_000 }).toEqual(["processed"]);
    // Reading the Sources again keeps what was pushed to the Record.
    expect(await valueOf(ada, "external_id")).toBe("ada");
    // Bob's aged-out event is not one the Property counts, so his Record is left alone.
    expect(await refreshesOf(bob)).toEqual([]);
    expect(await valueOf(bob, "carts_7d")).toBe("1");

    // Checked through now: the next minute finds nothing more.
    await refreshLapsedEventWindows(env, new Date());
    expect(await refreshesOf(ada)).toHaveLength(1);
  });

  it("catch up in bounded steps when more events aged out than one step reads, events at the same instant included", async () => {
    const sameInstant = ago(6 * DAY + 23 * HOUR);
    const people = ["cy", "dee", "eve"];
    const recordIds: string[] = [];
    for (const person of people) recordIds.push(await sendEvents(w, person, [{ name: "cart_abandoned", occurredAt: sameInstant }]));
    for (const id of recordIds) await expect.poll(() => valueOf(id, "carts_7d"), { timeout: 15_000 }).toBe("1");
    await refreshLapsedEventWindows(env, new Date());

    await letTimePass(w.tenantId, DAY);
    const refreshed = async () => (await Promise.all(recordIds.map(refreshesOf))).filter((r) => r.length).length;
    for (const expected of [1, 2, 3, 3]) {
      await refreshLapsedEventWindows(env, new Date(), { properties: 10, events: 1 });
      expect(await refreshed()).toBe(expected);
    }
    for (const id of recordIds) await expect.poll(() => valueOf(id, "carts_7d"), { timeout: 15_000 }).toBe("0");
  });

  it("fail a refresh whose Record was deleted before it was read, creating nothing", async () => {
    const recordId = await sendEvents(w, "gone", [{ name: "cart_abandoned", occurredAt: ago(DAY) }]);
    await expect.poll(() => valueOf(recordId, "carts_7d"), { timeout: 15_000 }).toBe("1");
    const scope = new TenantScope(createDb(env.DB), w.tenantId);
    const refresh = refreshImports(scope, [recordId]);
    await runBatch(scope.db, refresh.inserts);
    await env.DB.prepare("delete from records where id = ?").bind(recordId).run();
    await hydrateImports(env, w.tenantId, refresh.importIds);
    const stored = await env.DB.prepare("select state, error from imports where id = ?").bind(refresh.importIds[0]).first();
    expect(stored).toEqual({ state: "failed", error: "The Record was deleted before its Sources were read again" });
    expect(await env.DB.prepare("select count(*) as n from records where id = ?").bind(recordId).first("n")).toBe(0);
  });

  it("find the aged-out events through indexes", async () => {
    const statements: string[] = [];
    await refreshLapsedEventWindows({ ...env, DB: recordingD1(statements) }, new Date());
    const [watched, lapsed] = statements;
    expect(await planOf(watched!)).toMatch(/SEARCH s USING INDEX sources_type_idx \(type=\?\)/);
    expect(await planOf(watched!)).toMatch(/SEARCH p USING INDEX properties_source_idx \(source_id=\?\)/);
    expect(await planOf(lapsed!)).toMatch(/SEARCH events USING INDEX events_tenant_occurred_idx \(tenant_id=\? AND occurred_at>\? AND occurred_at<\?\)/);
  });

  it("refuse a wrong window with the field at fault, storing nothing", async () => {
    const before = await countsWithImports();
    const define = (window: unknown) => ({ sourceId: w.sourceId, key: "carts_bad", type: "integer", column: "name", aggregation: "count", filters: [CARTS, window] });
    const cases: [unknown, RegExp][] = [
      [{ ...IN_LAST_7_DAYS, value: { amount: 7, unit: "weeks" } }, /filters\.1\.value\.unit: unit must be one of minutes, hours, days/],
      [{ ...IN_LAST_7_DAYS, value: { amount: 0, unit: "days" } }, /filters\.1\.value\.amount: amount must be a whole number, at least 1/],
      [{ ...IN_LAST_7_DAYS, value: { amount: 1.5, unit: "days" } }, /filters\.1\.value\.amount: amount must be a whole number/],
      [{ ...IN_LAST_7_DAYS, value: { amount: "7", unit: "days" } }, /filters\.1\.value\.amount: amount must be a whole number/],
      [{ ...IN_LAST_7_DAYS, value: { unit: "days" } }, /filters\.1\.value\.amount: amount is required/],
      [{ ...IN_LAST_7_DAYS, value: { amount: 3651, unit: "days" } }, /filters\.1\.value\.amount: amount must be at most 3650 days/],
      [{ ...IN_LAST_7_DAYS, value: { amount: 87_601, unit: "hours" } }, /filters\.1\.value\.amount: amount must be at most 87600 hours \(3650 days\)/],
      [{ ...IN_LAST_7_DAYS, value: { amount: 7, unit: "days", from: "now" } }, /filters\.1\.value: Unrecognized key\(s\) in object: 'from'/],
      [{ column: "occurred_at", op: "in_last" }, /filters\.1\.value: filter "in_last" needs a window such as \{ "amount": 7, "unit": "days" \}/],
      [{ ...IN_LAST_7_DAYS, value: "7 days" }, /filters\.1\.value: filter "in_last" needs a window/],
      [{ ...IN_LAST_7_DAYS, op: "in_past" }, /filters\.1\.op: op must be one of .*in_last/],
      [{ ...IN_LAST_7_DAYS, column: "happened_at" }, /Column "happened_at" is not in Source "Events"/],
    ];
    for (const [window, message] of cases) {
      const res = await api("POST", "/properties", { as: w.as, body: define(window) });
      expect(res.status, JSON.stringify(window)).toBe(400);
      expect(res.body.error.message).toMatch(message);
    }
    const carts = (await api("GET", "/properties", { as: w.as })).body.properties.find((p: { key: string }) => p.key === "carts_7d");
    const patched = await api("PATCH", `/properties/${carts.id}`, { as: w.as, body: { filters: [CARTS, { ...IN_LAST_7_DAYS, value: { amount: -1, unit: "minutes" } }] } });
    expect(patched.status).toBe(400);
    expect(patched.body.error.details).toContainEqual({ path: "filters.1.value.amount", message: "amount must be a whole number, at least 1" });
    expect(await countsWithImports()).toEqual(before);
  });
});
