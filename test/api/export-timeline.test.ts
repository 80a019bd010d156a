import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { api, signUp, type Caller } from "../support/api";

const HOUR = 3_600_000;

let as: Caller;
let tenantId: string;
let destinationId: string;

const made: { at: number; state: string; n: number }[] = [];

/** Stores an Export made `ago` milliseconds back, in `state`: the chart counts what is stored, however it got there. */
async function exportMade(ago: number, state: string, n: number) {
  const at = Date.now() - ago;
  made.push({ at, state, n });
  for (let i = 0; i < n; i++) {
    await env.DB.prepare(
      `insert into exports (id, tenant_id, destination_id, record_id, kind, state, new_payload, to_delete, revision, attempts, next_attempt_at, created_at, updated_at)
       values (?1, ?2, ?3, ?4, 'record', ?5, '{"fields":{},"lists":[]}', 0, 1, 0, ?6, ?6, ?6)`,
    )
      .bind(`exp_${crypto.randomUUID()}`, tenantId, destinationId, `rec_${crypto.randomUUID()}`, state, at)
      .run();
  }
}

type Slot = { start: string } & Record<string, number>;

/** What each slot should count: every stored Export whose time falls in it, by state. */
function expectedCounts(slots: Slot[], slotMs: number) {
  return slots.map((slot) => {
    const start = Date.parse(slot.start);
    const counts: Record<string, number> = { pending: 0, sending: 0, complete: 0, failed: 0, canceled: 0 };
    for (const m of made) if (m.at >= start && m.at < start + slotMs) counts[m.state]! += m.n;
    return counts;
  });
}

const countsOf = (slots: Slot[]) => slots.map(({ start: _start, ...counts }) => counts);

beforeAll(async () => {
  const ws = await signUp("timeline");
  as = ws.owner;
  tenantId = ws.workspace.id;
  const app = (await api("POST", "/apps", { as, body: { name: "Outbox", plugin: "inspector", type: "inspector" } })).body.app;
  const group = (await api("POST", "/groups", { as, body: { name: "Nobody yet", type: "manual" } })).body.group;
  const created = await api("POST", "/destinations", { as, body: { appId: app.id, type: "inspector", name: "Charted", groupId: group.id, mapping: [] } });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  destinationId = created.body.destination.id;
  await exportMade(5 * 60_000, "complete", 3);
  await exportMade(5 * 60_000, "failed", 1);
  await exportMade(2 * HOUR, "complete", 2);
  await exportMade(2 * HOUR, "pending", 1);
  await exportMade(3 * 24 * HOUR, "canceled", 4);
  await exportMade(40 * 24 * HOUR, "complete", 9);
});

describe("a Destination's Exports over time", () => {
  it("counts the last 24 hours hour by hour, by the state each Export is in now", async () => {
    const res = await api("GET", `/destinations/${destinationId}/exports/timeline`, { as });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const { range, slotMs, slots } = res.body.timeline as { range: string; slotMs: number; slots: Slot[] };
    expect([range, slotMs, slots.length]).toEqual(["24h", HOUR, 24]);
    // Whole hours, one after another, the newest the one now filling.
    slots.forEach((slot, i) => expect(Date.parse(slot.start)).toBe(Date.parse(slots[0]!.start) + i * HOUR));
    expect(Date.parse(slots[0]!.start) % HOUR).toBe(0);
    const newest = Date.parse(slots[23]!.start);
    expect(Date.now()).toBeGreaterThanOrEqual(newest);
    expect(Date.now()).toBeLessThan(newest + HOUR);
    expect(countsOf(slots)).toEqual(expectedCounts(slots, HOUR));
    const total = (state: string) => slots.reduce((sum, s) => sum + s[state]!, 0);
    expect([total("complete"), total("failed"), total("pending"), total("canceled")]).toEqual([5, 1, 1, 0]);
  });

  it("counts 7 and 30 days day by day, leaving out what is older", async () => {
    const week = (await api("GET", `/destinations/${destinationId}/exports/timeline?range=7d`, { as })).body.timeline as { slots: Slot[] };
    expect(week.slots).toHaveLength(7);
    week.slots.forEach((slot, i) => expect(Date.parse(slot.start)).toBe(Date.parse(week.slots[0]!.start) + i * 24 * HOUR));
    expect(Date.parse(week.slots[0]!.start) % (24 * HOUR)).toBe(0);
    expect(countsOf(week.slots)).toEqual(expectedCounts(week.slots, 24 * HOUR));
    const total = (slots: Slot[], state: string) => slots.reduce((sum, s) => sum + s[state]!, 0);
    expect([total(week.slots, "complete"), total(week.slots, "failed"), total(week.slots, "pending"), total(week.slots, "canceled")]).toEqual([5, 1, 1, 4]);
    const month = (await api("GET", `/destinations/${destinationId}/exports/timeline?range=30d`, { as })).body.timeline as { slots: Slot[] };
    expect(month.slots).toHaveLength(30);
    expect(countsOf(month.slots)).toEqual(expectedCounts(month.slots, 24 * HOUR));
    expect(total(month.slots, "complete")).toBe(5);
  });

  it("refuses an unknown range and an unknown Destination", async () => {
    const bad = await api("GET", `/destinations/${destinationId}/exports/timeline?range=1y`, { as });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toMatch(/range/);
    expect((await api("GET", "/destinations/dst_nope/exports/timeline", { as })).status).toBe(404);
  });
});
