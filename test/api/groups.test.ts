import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { recordGroupCounts } from "../../worker/cron/group-counts";
import { createDb } from "../../worker/db/client";
import { TenantScope } from "../../worker/db/tenant-scope";
import { encodePageCursor } from "../../worker/db/page-cursor";
import { listMembers } from "../../worker/services/group-members";
import { listProperties } from "../../worker/services/properties";
import { resolveRecord } from "../../worker/services/record-identity";
import { api, type Caller, tableCounts } from "../support/api";
import { planOf, recordingD1 } from "../support/query-plans";
import { sampleWorkspace } from "../support/sample-workspace";

let as: Caller;
let tenantId: string;
const recordByEmail = new Map<string, string>();

beforeAll(async () => {
  const { ws } = await sampleWorkspace("groups", 5);
  as = ws.owner;
  tenantId = ws.workspace.id;
  const scope = new TenantScope(createDb(env.DB), tenantId);
  const email = (await listProperties(scope)).find((p) => p.key === "email")!;
  for (const address of ["ada@example.com", "grace@example.com", "linus@example.com", "margaret@example.com"]) {
    const found = await resolveRecord(scope, [{ propertyId: email.id, value: address }], { create: true });
    recordByEmail.set(address, (found as { recordId: string }).recordId);
  }
});

const manualGroup = async (name: string) => {
  const res = await api("POST", "/groups", { as, body: { name, type: "manual", description: "Picked by hand" } });
  expect(res.status).toBe(201);
  return res.body.group as { id: string; memberCount: number };
};
const memberIds = async (groupId: string) => (await api("GET", `/groups/${groupId}/members`, { as })).body.members.map((m: { recordId: string }) => m.recordId).sort();
const history = async (groupId: string) =>
  (await env.DB.prepare("select record_id, change from group_membership_changes where group_id = ? order by id").bind(groupId).all<{ record_id: string; change: string }>()).results;

describe("Groups", () => {
  it("are created, renamed, listed and deleted, each change in the audit log", async () => {
    const group = await manualGroup("Early adopters");
    expect(group).toMatchObject({ memberCount: 0 });
    const renamed = await api("PATCH", `/groups/${group.id}`, { as, body: { name: "First customers" } });
    expect(renamed.body.group).toMatchObject({ name: "First customers", description: "Picked by hand", type: "manual" });
    expect((await api("GET", "/groups", { as })).body.groups.map((g: { id: string }) => g.id)).toContain(group.id);
    expect((await api("DELETE", `/groups/${group.id}`, { as })).status).toBe(204);
    expect((await api("GET", `/groups/${group.id}`, { as })).status).toBe(404);
    const actions = (await api("GET", "/audit-log", { as })).body.entries.filter((e: { targetId: string }) => e.targetId === group.id).map((e: { action: string }) => e.action);
    expect(actions.sort()).toEqual(["group.create", "group.delete", "group.update"]);
  });

  it("refuse bad input with a clear error and change nothing", async () => {
    await manualGroup("Taken");
    const before = await tableCounts();
    const refusals = [
      await api("POST", "/groups", { as, body: { name: "Taken", type: "manual" } }),
      await api("POST", "/groups", { as, body: { name: "", type: "manual" } }),
      await api("POST", "/groups", { as, body: { name: "Odd", type: "smart" } }),
      await api("POST", "/groups", { as, body: { name: "Extra", type: "manual", colour: "red" } }),
      await api("POST", "/groups", { as, body: { name: "No rules", type: "calculated" } }),
      await api("PATCH", "/groups/grp_doesnotexistdoesnotexistd", { as, body: { name: "x" } }),
    ];
    expect(refusals.map((r) => r.status)).toEqual([409, 400, 400, 400, 400, 404]);
    expect(refusals[0]!.body.error.message).toContain("Taken");
    expect(await tableCounts()).toEqual(before);
  });
});

describe("manual Group members", () => {
  it("are added by id or by a unique value, once each, with their history and count", async () => {
    const group = await manualGroup("VIPs");
    const byId = await api("POST", `/groups/${group.id}/members`, { as, body: { recordIds: [recordByEmail.get("ada@example.com")] } });
    expect(byId.body).toMatchObject({ changed: 1, unchanged: 0, skipped: [] });
    // Values are read as the Property's type: the same address in other case and spacing finds the Record.
    const byValue = await api("POST", `/groups/${group.id}/members`, { as, body: { property: "email", values: [" Grace@Example.com", "ada@example.com"] } });
    expect(byValue.body).toMatchObject({ changed: 1, unchanged: 1 });
    expect(await memberIds(group.id)).toEqual([recordByEmail.get("ada@example.com"), recordByEmail.get("grace@example.com")].sort());
    expect((await api("GET", `/groups/${group.id}`, { as })).body.group.memberCount).toBe(2);
    expect((await history(group.id)).map((h) => h.change)).toEqual(["joined", "joined"]);
  });

  it("are removed, leaving a 'left' entry only for Records that were in", async () => {
    const group = await manualGroup("Leavers");
    await api("POST", `/groups/${group.id}/members`, { as, body: { property: "email", values: ["linus@example.com", "margaret@example.com"] } });
    const removed = await api("POST", `/groups/${group.id}/members/remove`, { as, body: { property: "email", values: ["linus@example.com", "ada@example.com"] } });
    expect(removed.body).toMatchObject({ changed: 1, unchanged: 1 });
    expect(await memberIds(group.id)).toEqual([recordByEmail.get("margaret@example.com")]);
    expect((await api("GET", `/groups/${group.id}`, { as })).body.group.memberCount).toBe(1);
    expect((await history(group.id)).map((h) => h.change)).toEqual(["joined", "joined", "left"]);
    const linus = (await api("GET", `/records/${recordByEmail.get("linus@example.com")}`, { as })).body.record;
    expect(linus.groups.map((g: { name: string }) => g.name)).not.toContain("Leavers");
    expect(linus.groupHistory.filter((h: { name: string }) => h.name === "Leavers").map((h: { change: string }) => h.change)).toEqual(["left", "joined"]);
    const margaret = (await api("GET", `/records/${recordByEmail.get("margaret@example.com")}`, { as })).body.record;
    expect(margaret.groups).toEqual([expect.objectContaining({ id: group.id, name: "Leavers", type: "manual" })]);
  });

  it("refuse values that name no Record unless told to skip them", async () => {
    const group = await manualGroup("Strict");
    const before = await tableCounts();
    const refused = await api("POST", `/groups/${group.id}/members`, { as, body: { property: "email", values: ["ada@example.com", "nobody@example.com", "not an email"] } });
    expect(refused.status).toBe(400);
    expect(refused.body.error.details.unknown.sort()).toEqual(["nobody@example.com", "not an email"]);
    expect(await tableCounts()).toEqual(before);
    const skipped = await api("POST", `/groups/${group.id}/members`, { as, body: { property: "email", values: ["ada@example.com", "nobody@example.com"], skipUnknown: true } });
    expect(skipped.body).toMatchObject({ changed: 1, skipped: ["nobody@example.com"] });
  });

  it("refuse a Property that is not unique, a list over 10,000 and a calculated Group", async () => {
    const group = await manualGroup("Limits");
    const notUnique = await api("POST", `/groups/${group.id}/members`, { as, body: { property: "first_name", values: ["Ada"] } });
    const tooMany = await api("POST", `/groups/${group.id}/members`, { as, body: { recordIds: Array.from({ length: 10_001 }, (_, i) => `rec_${i}`) } });
    const calculatedId = "grp_calculatedcalculatedcalc";
    await env.DB.prepare(`insert into groups (id, tenant_id, name, type, rules, created_at, updated_at) values (?, ?, 'Rules', 'calculated', '{}', 0, 0)`).bind(calculatedId, tenantId).run();
    const byHand = await api("POST", `/groups/${calculatedId}/members`, { as, body: { recordIds: [recordByEmail.get("ada@example.com")] } });
    expect([notUnique.status, tooMany.status, byHand.status]).toEqual([400, 400, 400]);
    expect(tooMany.body.error.message).toContain("10,000");
    expect(byHand.body.error.message).toContain("calculated");
  });

  it("take 10,000 Records in one call", { timeout: 60_000 }, async () => {
    const group = await manualGroup("Everyone");
    const ids = Array.from({ length: 10_000 }, (_, i) => `rec_bulk${String(i).padStart(20, "0")}`);
    const now = Date.now();
    for (let i = 0; i < ids.length; i += 1000) {
      await env.DB.prepare("insert into records (id, tenant_id, created_at, updated_at) select j.value, ?, ?, ? from json_each(?) j")
        .bind(tenantId, now, now, JSON.stringify(ids.slice(i, i + 1000)))
        .run();
    }
    const added = await api("POST", `/groups/${group.id}/members`, { as, body: { recordIds: ids } });
    expect(added.body).toMatchObject({ changed: 10_000 });
    expect((await api("GET", `/groups/${group.id}`, { as })).body.group.memberCount).toBe(10_000);
  });

  it("are listed a page at a time, newest first, without repeats", async () => {
    const group = await manualGroup("Paged");
    for (const address of ["ada@example.com", "grace@example.com", "linus@example.com"]) {
      await api("POST", `/groups/${group.id}/members`, { as, body: { property: "email", values: [address] } });
    }
    const first = (await api("GET", `/groups/${group.id}/members?limit=2`, { as })).body;
    expect(first.members.map((m: { recordId: string }) => m.recordId)).toEqual([recordByEmail.get("linus@example.com"), recordByEmail.get("grace@example.com")]);
    const second = (await api("GET", `/groups/${group.id}/members?limit=2&cursor=${encodeURIComponent(first.nextCursor)}`, { as })).body;
    expect(second).toMatchObject({ members: [{ recordId: recordByEmail.get("ada@example.com") }], nextCursor: null });
    expect((await api("GET", `/groups/${group.id}/members?cursor=nonsense`, { as })).status).toBe(400);
  });

  it("are paged in index order, never by sorting the whole Group", async () => {
    const group = await manualGroup("Planned");
    const statements: string[] = [];
    const scope = new TenantScope(createDb(recordingD1(statements)), tenantId);
    const first = await listMembers(scope, group.id, { limit: 2 });
    await listMembers(scope, group.id, { limit: 2, cursor: encodePageCursor({ createdAt: new Date(), id: "rec_x" }) });
    expect(first.members).toEqual([]);
    const pages = statements.filter((s) => s.includes('from "group_members"'));
    expect(pages).toHaveLength(2);
    for (const page of pages) {
      const plan = await planOf(page);
      expect(plan, page).toContain("USING INDEX group_members_group_joined_idx (group_id=?");
      expect(plan, page).not.toContain("TEMP B-TREE");
    }
  });
});

describe("Group counts over time", () => {
  it("keep each day's closing count, carry quiet days forward, and show today live", async () => {
    const group = await manualGroup("Growing");
    const day = (n: number) => new Date(Date.now() - n * 86_400_000);
    // Backdated, as if the Group had existed for a week.
    await env.DB.prepare("update groups set created_at = ? where id = ?").bind(day(6).getTime(), group.id).run();
    await api("POST", `/groups/${group.id}/members`, { as, body: { property: "email", values: ["ada@example.com"] } });
    await recordGroupCounts(env, day(5));
    await api("POST", `/groups/${group.id}/members`, { as, body: { property: "email", values: ["grace@example.com"] } });
    await recordGroupCounts(env, day(5));
    await recordGroupCounts(env, day(2));
    await api("POST", `/groups/${group.id}/members`, { as, body: { property: "email", values: ["linus@example.com"] } });

    const counts = (await api("GET", `/groups/${group.id}/counts?days=10`, { as })).body.counts as { day: string; members: number }[];
    expect(counts.map((c) => c.members)).toEqual([0, 2, 2, 2, 2, 2, 3]);
    expect(counts[0]!.day).toBe(day(6).toISOString().slice(0, 10));
    expect(counts.at(-1)!.day).toBe(new Date().toISOString().slice(0, 10));
    expect((await api("GET", `/groups/${group.id}/counts?days=0`, { as })).status).toBe(400);
  });
});
