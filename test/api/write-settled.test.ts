import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { createDb } from "../../worker/db/client";
import type { Property } from "../../worker/db/schema";
import { TenantScope } from "../../worker/db/tenant-scope";
import { settle, type RecordState, type RecordWork } from "../../worker/pipeline/record-state";
import { writeSettled } from "../../worker/pipeline/write-settled";
import { listProperties } from "../../worker/services/properties";
import { resolveRecord } from "../../worker/services/record-identity";
import { emptyCounters } from "../../worker/runs/states";
import { sampleWorkspace } from "../support/sample-workspace";

let scope: TenantScope;
let props: Property[];
let runId: string;

async function newRecord(email: string) {
  const emailProp = props.find((p) => p.key === "email")!;
  return ((await resolveRecord(scope, [{ propertyId: emailProp.id, value: email }], { create: true })) as { recordId: string }).recordId;
}

/** Work as the consumer hands it over; `storedRevision` is what D1 held when the consumer read the Record. */
const work = (recordId: string, values: Record<string, unknown[]>, storedRevision = 0): RecordWork => ({
  tenantId: scope.tenantId,
  recordId,
  properties: props,
  values,
  importIds: [],
  runIds: [runId],
  createdAt: 0,
  storedRevision,
  groups: [],
  destinations: [],
});

const counters = async () => JSON.parse((await env.DB.prepare("select counters from runs where id = ?").bind(runId).first<{ counters: string }>())!.counters);
const emailOf = async (recordId: string) =>
  (await env.DB.prepare("select rp.value from record_properties rp join properties p on p.id = rp.property_id where rp.record_id = ? and p.key = 'email'").bind(recordId).first<{ value: string }>())?.value;
const changesOf = async (recordId: string) => (await env.DB.prepare("select count(*) as n from record_changes where record_id = ?").bind(recordId).first<{ n: number }>())!.n;

beforeAll(async () => {
  const { ws } = await sampleWorkspace("write-settled", 10);
  scope = new TenantScope(createDb(env.DB), ws.workspace.id);
  props = await listProperties(scope);
  runId = "run_writesettledwritesettled";
  const now = Date.now();
  await env.DB.prepare(
    `insert into runs (id, tenant_id, state, trigger, incremental, page, counters, percent_complete, created_at, updated_at) values (?, ?, 'running', 'manual', 0, 0, ?, 0, ?, ?)`,
  )
    .bind(runId, scope.tenantId, JSON.stringify(emptyCounters()), now, now)
    .run();
});

describe("writing settled Records to D1", () => {
  it("counts and stores a result once, however often it is written", async () => {
    const recordId = await newRecord("once@example.com");
    const before = await counters();
    const { settled } = settle({ revision: 0, slots: {} }, work(recordId, { email: ["once@example.com"] }), 1000);
    await writeSettled(env.DB, scope.tenantId, [settled], 1000);
    await writeSettled(env.DB, scope.tenantId, [settled], 2000);
    const after = await counters();
    expect(after.recordsCreated - before.recordsCreated).toBe(1);
    expect(await emailOf(recordId)).toBe("once@example.com");
    expect(await changesOf(recordId)).toBe(1);
  });

  it("never lets an older result overwrite or count after a newer one", async () => {
    const recordId = await newRecord("old@example.com");
    const first = settle({ revision: 0, slots: {} }, work(recordId, { email: ["old@example.com"] }), 1000);
    const second = settle(first.state, work(recordId, { email: ["new@example.com"] }), 2000);
    const before = await counters();
    await writeSettled(env.DB, scope.tenantId, [second.settled], 2000);
    await writeSettled(env.DB, scope.tenantId, [first.settled], 3000);
    const after = await counters();
    expect(await emailOf(recordId)).toBe("new@example.com");
    expect(after.recordsUpdated - before.recordsUpdated).toBe(1);
    expect(await changesOf(recordId)).toBe(1);
  });

  it("writes again what an object settled but its consumer never stored, when the same work is redelivered", async () => {
    const recordId = await newRecord("lost@example.com");
    // The consumer settled this, then failed before writing: D1 never saw it.
    const lost = settle({ revision: 0, slots: {} }, work(recordId, { email: ["lost@example.com"] }), 1000);
    const redelivered = settle(lost.state, work(recordId, { email: ["lost@example.com"] }, 0), 2000);
    expect(redelivered.settled.changes).toEqual([]);
    await writeSettled(env.DB, scope.tenantId, [redelivered.settled], 2000);
    expect(await emailOf(recordId)).toBe("lost@example.com");

    // Once D1 holds the revision, an unchanged settle writes no values again.
    const after = settle(redelivered.state, work(recordId, { email: ["lost@example.com"] }, redelivered.settled.revision), 3000);
    expect(after.settled.changedSlots).toEqual({});
  });

  it("counts every Record of a large write, outcomes and invalid values apart", async () => {
    const ids = await Promise.all(Array.from({ length: 60 }, (_, i) => newRecord(`many${i}@example.com`)));
    const results = ids.map((recordId, i) => {
      let state: RecordState = { revision: 0, slots: {} };
      if (i % 3 !== 0) state = settle(state, work(recordId, { email: [`many${i}@example.com`] }), 500).state;
      // Every third Record is new; of the rest, half change and half arrive unchanged; every fourth has an invalid email.
      const email = i % 4 === 0 ? "not an email" : i % 3 === 1 ? `changed${i}@example.com` : `many${i}@example.com`;
      return settle(state, work(recordId, { email: [email] }), 1000).settled;
    });
    const before = await counters();
    await writeSettled(env.DB, scope.tenantId, results, 1000);
    const after = await counters();
    const expected = { created: 0, updated: 0, unchanged: 0, invalid: 0 };
    for (const r of results) {
      expected[r.outcome] += 1;
      expected.invalid += r.invalid;
    }
    expect(expected.created * expected.updated * expected.unchanged * expected.invalid).toBeGreaterThan(0);
    expect({
      created: after.recordsCreated - before.recordsCreated,
      updated: after.recordsUpdated - before.recordsUpdated,
      unchanged: after.recordsUnchanged - before.recordsUnchanged,
      invalid: after.invalidValues - before.invalidValues,
    }).toEqual(expected);
    expect(await emailOf(ids[1]!)).toBe("changed1@example.com");
  });
});
