import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { recordObjectName } from "../../durable-objects/record-object";
import { createDb } from "../../worker/db/client";
import { properties } from "../../worker/db/schema";
import { TenantScope } from "../../worker/db/tenant-scope";
import { calculatedGroups } from "../../worker/groups/calculated";
import { recalculateTimeRelativeGroups, rejudgeChangedGroups } from "../../worker/groups/recalculate";
import { settle } from "../../worker/pipeline/record-state";
import { writeSettled } from "../../worker/pipeline/write-settled";
import { api, createKey, tableCounts, type Caller, waitForRun } from "../support/api";
import { importPeople as importPeopleWith } from "../support/import-people";
import { pushWorkspace } from "../support/push-workspace";

let as: Caller;
let tenantId: string;
let pushSourceId: string;
let importKey: string;
const recordOf = new Map<string, string>();

const DAY = 86_400_000;

const importPeople = (people: Record<string, unknown>[]) => importPeopleWith(importKey, people, recordOf);

async function calculatedGroup(name: string, rules: unknown) {
  const res = await api("POST", "/groups", { as, body: { name, type: "calculated", rules } });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  expect(res.body.run).toMatchObject({ trigger: "rules", state: "draft" });
  const run = await waitForRun(as, res.body.run.id);
  return { group: res.body.group as { id: string }, run };
}

const people = (groupId: string) =>
  env.DB.prepare("select r.value from group_members gm join record_properties r on r.record_id = gm.record_id join properties p on p.id = r.property_id and p.key = 'external_id' where gm.group_id = ? order by r.value")
    .bind(groupId)
    .all<{ value: string }>()
    .then(({ results }) => results.map((r) => r.value));

const objectOf = (recordId: string) => env.RECORDS.get(env.RECORDS.idFromName(recordObjectName(tenantId, recordId)));

/** The calculated Groups a person's object holds once the hand-over queue has delivered what D1 decided. */
async function objectGroupsBecome(externalId: string, expected: (groups: string[]) => boolean) {
  let groups: string[] = [];
  for (let i = 0; i < 200; i++) {
    groups = (await objectOf(recordOf.get(externalId)!).current())?.groups ?? [];
    if (expected(groups)) return groups;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${externalId}'s object still holds ${JSON.stringify(groups)}`);
}

const US_HIGH_VALUE = {
  match: "all",
  rules: [
    { property: "country", operator: "equals", value: "US" },
    { property: "ltv", operator: "gt", value: 100 },
  ],
};

beforeAll(async () => {
  const ws = await pushWorkspace("calculated");
  as = ws.as;
  tenantId = ws.ws.workspace.id;
  pushSourceId = ws.pushSource.id;
  for (const body of [
    { key: "country", type: "string", sourceId: pushSourceId, column: "country" },
    { key: "ltv", type: "float", sourceId: pushSourceId, column: "ltv" },
    { key: "last_purchase", type: "date", sourceId: pushSourceId, column: "last_purchase" },
  ]) {
    expect((await api("POST", "/properties", { as, body })).status).toBe(201);
  }
  importKey = (await createKey(as, ["write:imports"])).secret;
  await importPeople([
    { external_id: "p1", country: "US", ltv: 150, plan: "pro", tags: ["vip"] },
    { external_id: "p2", country: "US", ltv: 90, plan: "free" },
    { external_id: "p3", country: "DE", ltv: 500, plan: "pro", tags: ["beta", "vip"] },
    { external_id: "p4", country: "US", ltv: "lots", plan: "pro" },
    { external_id: "p5", country: "us", ltv: 101 },
    { external_id: "p6", plan: "free" },
  ]);
});

describe("a calculated Group", () => {
  it("fills from its rules in a recalculation Run that says what it did", async () => {
    const { group, run } = await calculatedGroup("US customers with ltv > 100", US_HIGH_VALUE);
    expect(await people(group.id)).toEqual(["p1"]);
    expect(run).toMatchObject({ state: "complete", percentComplete: 100, counters: { membersJoined: 1, membersLeft: 0 } });
    expect(run.reason).toMatch(/joined/);
    const shown = (await api("GET", `/groups/${group.id}`, { as })).body.group;
    // Stored as the Properties store values: the number as its text.
    const stored = { match: "all", rules: [US_HIGH_VALUE.rules[0], { property: "ltv", operator: "gt", value: "100" }] };
    expect(shown).toMatchObject({ type: "calculated", memberCount: 1, rules: stored, recalculation: { id: run.id, state: "complete" } });
    const history = await env.DB.prepare("select change, run_id from group_membership_changes where group_id = ?").bind(group.id).all();
    expect(history.results).toEqual([{ change: "joined", run_id: run.id }]);
  });

  it("stores rules as the Properties store values, and a nested OR", async () => {
    const rules = {
      match: "any",
      rules: [
        { property: "tags", operator: "equals", value: "beta" },
        { match: "all", rules: [{ property: "country", operator: "in", values: ["US", "FR"] }, { property: "ltv", operator: "lte", value: "9e1" }] },
      ],
    };
    const { group } = await calculatedGroup("Beta or small US", rules);
    expect(await people(group.id)).toEqual(["p2", "p3"]);
    const stored = (await api("GET", `/groups/${group.id}`, { as })).body.group.rules;
    expect(stored.rules[1].rules[1]).toEqual({ property: "ltv", operator: "lte", value: "90" });
  });

  it("follows a Record whose values change, as its object judges it, with joined and left in its history", async () => {
    const { group } = await calculatedGroup("High value US (follows)", US_HIGH_VALUE);
    expect(await people(group.id)).toEqual(["p1"]);
    await importPeople([{ external_id: "p2", ltv: 250 }]);
    expect(await people(group.id)).toEqual(["p1", "p2"]);
    await importPeople([{ external_id: "p1", country: "DE" }]);
    expect(await people(group.id)).toEqual(["p2"]);
    const p1 = (await api("GET", `/records/${recordOf.get("p1")}`, { as })).body.record;
    expect(p1.groupHistory.filter((h: { groupId: string }) => h.groupId === group.id).map((h: { change: string }) => h.change)).toEqual(["left", "joined"]);
    expect((await api("GET", `/groups/${group.id}`, { as })).body.group.memberCount).toBe(1);
    expect((await objectOf(recordOf.get("p2")!).current())!.groups).toContain(group.id);
    // Put things back for the tests after this one.
    await importPeople([
      { external_id: "p1", country: "US" },
      { external_id: "p2", ltv: 90 },
    ]);
  });

  it("recalculates when its rules change, recording only the Records that moved", async () => {
    const { group } = await calculatedGroup("Rules change", US_HIGH_VALUE);
    const changed = await api("PATCH", `/groups/${group.id}`, { as, body: { rules: { match: "all", rules: [{ property: "plan", operator: "equals", value: "pro" }] } } });
    expect(changed.status).toBe(200);
    expect(changed.body.group.rulesVersion).toBe(2);
    const run = await waitForRun(as, changed.body.run.id);
    expect(run.counters).toMatchObject({ membersJoined: 2, membersLeft: 0, rowsRead: expect.any(Number) });
    expect(await people(group.id)).toEqual(["p1", "p3", "p4"]);
    const history = await env.DB.prepare("select change, count(*) as n from group_membership_changes where run_id = ? group by change").bind(run.id).all();
    expect(history.results).toEqual([{ change: "joined", n: 2 }]);
    // The Records that moved are handed to their objects, which now know their new Group.
    await objectGroupsBecome("p3", (groups) => groups.includes(group.id));
    await objectGroupsBecome("p4", (groups) => groups.includes(group.id));
    expect((await objectOf(recordOf.get("p2")!).current())!.groups).not.toContain(group.id);
    // The same rules again are no change: no new Run.
    const same = await api("PATCH", `/groups/${group.id}`, { as, body: { rules: { match: "all", rules: [{ property: "plan", operator: "equals", value: "pro" }] } } });
    expect(same.body.run).toBeNull();
  });

  it("is recalculated by hand, once at a time", async () => {
    const { group } = await calculatedGroup("By hand", US_HIGH_VALUE);
    const started = await api("POST", `/groups/${group.id}/recalculate`, { as });
    expect(started.status).toBe(202);
    const again = await api("POST", `/groups/${group.id}/recalculate`, { as });
    expect([202, 409]).toContain(again.status);
    const run = await waitForRun(as, started.body.run.id);
    expect(run).toMatchObject({ state: "complete", trigger: "manual", counters: { membersJoined: 0, membersLeft: 0 } });
    const audited = (await api("GET", "/audit-log?action=group.recalculate", { as })).body.entries;
    expect(audited.filter((e: { targetId: string }) => e.targetId === group.id).length).toBeGreaterThanOrEqual(1);
    expect(await people(group.id)).toEqual(["p1"]);
  });

  it("with relative dates is recalculated as time passes, without new data", { timeout: 30_000 }, async () => {
    await importPeople([{ external_id: "p6", last_purchase: new Date(Date.now() - DAY + 3_000).toISOString() }]);
    const { group } = await calculatedGroup("Bought in the last day", { match: "all", rules: [{ property: "last_purchase", operator: "in_last", amount: 1, unit: "days" }] });
    expect(await people(group.id)).toEqual(["p6"]);
    await new Promise((r) => setTimeout(r, 3_500));
    const due = new Date(Date.now() + 60 * 60_000);
    const { started } = await recalculateTimeRelativeGroups(env, due);
    expect(started).toBeGreaterThanOrEqual(1);
    const run = (await api("GET", `/groups/${group.id}`, { as })).body.group.recalculation;
    expect(run.trigger).toBe("time");
    await waitForRun(as, run.id);
    expect(await people(group.id)).toEqual([]);
    const next = await env.DB.prepare("select recalculate_at from groups where id = ?").bind(group.id).first<number>("recalculate_at");
    expect(next).toBeGreaterThan(due.getTime());
  });
});

describe("rules that change while Records are being written", () => {
  it("never store a verdict made under old rules, and the Records written meanwhile are judged again", async () => {
    const { group } = await calculatedGroup("Changes underfoot", US_HIGH_VALUE);
    const scope = new TenantScope(createDb(env.DB), tenantId);
    const props = await scope.select(properties);
    const recordId = recordOf.get("p2")!;
    const revision = (await env.DB.prepare("select revision from records where id = ?").bind(recordId).first<number>("revision"))!;
    // A batch read the rules at version 1 and settled p2 (not a member then: ltv 90)...
    const judgedUnder = await calculatedGroups(scope, props);
    const work = { tenantId, recordId, properties: props, values: { plan: ["pro"] }, importIds: [], runIds: [], createdAt: 0, storedRevision: revision, groups: judgedUnder, destinations: [] };
    const { settled } = settle({ revision, slots: {} }, work, Date.now());
    expect(settled.verdicts.find((v) => v.groupId === group.id)).toEqual({ groupId: group.id, version: 1, member: false });
    // ...then the rules changed to "plan is pro" and were recalculated before the batch wrote p2's new plan.
    const changed = await api("PATCH", `/groups/${group.id}`, { as, body: { rules: { match: "all", rules: [{ property: "plan", operator: "equals", value: "pro" }] } } });
    await waitForRun(as, changed.body.run.id);
    expect(await people(group.id)).not.toContain("p2");
    await writeSettled(env.DB, tenantId, [settled]);
    // Its values are stored, but the verdict was made under rules that no longer hold.
    expect(await people(group.id)).not.toContain("p2");
    await rejudgeChangedGroups(env, scope, props, judgedUnder, [recordId]);
    expect(await people(group.id)).toContain("p2");
    await objectGroupsBecome("p2", (groups) => groups.includes(group.id));
    await importPeople([{ external_id: "p2", plan: "free" }]);
  });
});

describe("handing recalculated membership to Records' objects", () => {
  it("is taken only by an object that has settled nothing newer than what D1 was read at", async () => {
    const { group } = await calculatedGroup("Hand-over guard", US_HIGH_VALUE);
    const object = objectOf(recordOf.get("p1")!);
    const before = (await object.current())!;
    expect(before.groups).toContain(group.id);
    const held = (calculated: string[], storedRevision: number) => ({ calculated, manual: [], storedRevision });
    // A hand-over read before the object's latest settle is too old to take.
    expect(await object.takeMembership(held([], before.revision - 1), [])).toMatchObject({ taken: false, move: { joined: [], left: [] } });
    expect((await object.current())!.groups).toEqual(before.groups);
    // One read at the object's revision is taken, and says what moved.
    expect((await object.takeMembership(held([...before.groups!, "grp_other"], before.revision), []))!.move).toEqual({ joined: ["grp_other"], left: [] });
    expect((await object.takeMembership(held(before.groups!, before.revision), []))!.move).toEqual({ joined: [], left: ["grp_other"] });
    expect((await object.current())!.groups).toEqual(before.groups);
  });
});

describe("previewing rules", () => {
  it("counts and samples the Records a draft would hold, saving nothing", async () => {
    const before = await tableCounts();
    const res = await api("POST", "/groups/preview", { as, body: { rules: { match: "any", rules: [{ property: "tags", operator: "equals", value: "vip" }] } } });
    expect(res.status).toBe(200);
    expect(res.body.count).toBe(2);
    const sampled = res.body.sample.map((r: { values: { external_id: string } }) => r.values.external_id).sort();
    expect(sampled).toEqual(["p1", "p3"]);
    expect(res.body.sample[0].values.tags).toContain("vip");
    expect(await tableCounts()).toEqual(before);
  });

  it("counts every match while sampling only the newest, and counts none when nothing matches", async () => {
    await importPeople(Array.from({ length: 14 }, (_, i) => ({ external_id: `nz${i}`, country: "NZ" })));
    const preview = async (value: string) => (await api("POST", "/groups/preview", { as, body: { rules: { match: "all", rules: [{ property: "country", operator: "equals", value }] } } })).body;
    const many = await preview("NZ");
    expect(many.count).toBe(14);
    expect(many.sample).toHaveLength(10);
    expect(new Set(many.sample.map((r: { id: string }) => r.id)).size).toBe(10);
    expect(many.sample.every((r: { values: { country: string } }) => r.values.country === "NZ")).toBe(true);
    expect(await preview("Atlantis")).toEqual({ count: 0, sample: [] });
  });
});

describe("explaining a Record", () => {
  it("marks each rule matched or not, with the Record's values", async () => {
    const { group } = await calculatedGroup("Explained", US_HIGH_VALUE);
    const p4 = (await api("GET", `/groups/${group.id}/explain/${recordOf.get("p4")}`, { as })).body;
    expect(p4).toMatchObject({ member: false, matches: false });
    expect(p4.explanation.rules[0]).toMatchObject({ property: "country", matched: true, recordValues: [{ value: "US" }] });
    expect(p4.explanation.rules[1]).toMatchObject({ property: "ltv", matched: false, recordValues: [{ value: null, invalidValue: "lots", invalidReason: expect.any(String) }] });
    const p1 = (await api("GET", `/groups/${group.id}/explain/${recordOf.get("p1")}`, { as })).body;
    expect(p1).toMatchObject({ member: true, matches: true, explanation: { matched: true } });
  });

  it("is refused for manual Groups and unknown Records", async () => {
    const manual = (await api("POST", "/groups", { as, body: { name: "Hand picked", type: "manual" } })).body.group;
    expect((await api("GET", `/groups/${manual.id}/explain/${recordOf.get("p1")}`, { as })).status).toBe(400);
    const { group } = await calculatedGroup("Explain unknown", US_HIGH_VALUE);
    expect((await api("GET", `/groups/${group.id}/explain/rec_doesnotexistdoesnotexistd`, { as })).status).toBe(404);
  });
});

describe("bad rules", () => {
  const refusedWith = async (rules: unknown) => {
    const before = await tableCounts();
    const res = await api("POST", "/groups", { as, body: { name: "Bad", type: "calculated", rules } });
    expect(res.status).toBe(400);
    expect(await tableCounts()).toEqual(before);
    const preview = await api("POST", "/groups/preview", { as, body: { rules } });
    expect(preview.status).toBe(400);
    return res.body.error as { message: string; details: { path: string; message: string }[] };
  };

  it("name the rule at fault and save nothing", async () => {
    expect((await refusedWith({ match: "all", rules: [{ property: "nope", operator: "equals", value: "x" }] })).details).toEqual([{ path: "rules[0].property", message: expect.stringContaining("nope") }]);
    expect((await refusedWith({ match: "all", rules: [{ property: "ltv", operator: "contains", value: "1" }] })).details[0]!.path).toBe("rules[0].operator");
    expect((await refusedWith({ match: "all", rules: [{ property: "ltv", operator: "gt", value: "lots" }] })).details[0]!.path).toBe("rules[0].value");
    expect((await refusedWith({ match: "all", rules: [] })).details[0]!.path).toBe("rules");
    const deep = { match: "all", rules: [{ match: "all", rules: [{ match: "all", rules: [{ match: "all", rules: [{ match: "all", rules: [{ match: "all", rules: [{ property: "ltv", operator: "exists" }] }] }] }] }] }] };
    expect((await refusedWith(deep)).details[0]!.message).toContain("5 deep");
    expect((await refusedWith({ match: "all", rules: [{ property: "country", operator: "equals" }] })).message).toContain("rules[0].value");
  });

  it("are refused for manual Groups, and a calculated Group needs them", async () => {
    const manual = await api("POST", "/groups", { as, body: { name: "Manual with rules", type: "manual", rules: US_HIGH_VALUE } });
    expect(manual.status).toBe(400);
    const created = (await api("POST", "/groups", { as, body: { name: "Plain", type: "manual" } })).body.group;
    expect((await api("PATCH", `/groups/${created.id}`, { as, body: { rules: US_HIGH_VALUE } })).status).toBe(400);
    expect((await api("POST", `/groups/${created.id}/recalculate`, { as })).status).toBe(400);
  });
});

describe("Properties the rules use", () => {
  const propertyId = async (key: string) => (await api("GET", "/properties", { as })).body.properties.find((p: { key: string }) => p.key === key).id as string;

  it("cannot be renamed, deleted or retyped out from under a Group", async () => {
    await calculatedGroup("Guards ltv", US_HIGH_VALUE);
    const ltv = await propertyId("ltv");
    const renamed = await api("PATCH", `/properties/${ltv}`, { as, body: { key: "lifetime_value" } });
    const deleted = await api("DELETE", `/properties/${ltv}`, { as });
    const retyped = await api("PATCH", `/properties/${ltv}`, { as, body: { type: "string" } });
    expect([renamed.status, deleted.status, retyped.status]).toEqual([409, 409, 409]);
    expect(renamed.body.error.message).toContain("Guards ltv");
    expect(retyped.body.error.message).toContain("rules[1].operator");
  });

  it("recalculate the Groups using them when their definition changes", async () => {
    const created = await api("POST", "/properties", { as, body: { key: "segment", type: "string", sourceId: pushSourceId, column: "segment" } });
    expect(created.status).toBe(201);
    const { group } = await calculatedGroup("Has a segment", { match: "all", rules: [{ property: "segment", operator: "exists" }] });
    const changed = await api("PATCH", `/properties/${created.body.property.id}`, { as, body: { type: "integer" } });
    expect(changed.status, JSON.stringify(changed.body)).toBe(200);
    const run = (await api("GET", `/groups/${group.id}`, { as })).body.group.recalculation;
    expect(run.trigger).toBe("property");
    expect((await waitForRun(as, run.id)).state).toBe("complete");
  });
});
