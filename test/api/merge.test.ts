import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { api, type Caller } from "../support/api";
import { pushWorkspace } from "../support/push-workspace";

async function importAndWait(as: Caller, body: Record<string, unknown>) {
  const sent = await api("POST", "/imports", { as, body });
  expect(sent.status).toBe(202);
  const [id] = sent.body.importIds as string[];
  for (let i = 0; i < 200; i++) {
    const imp = (await api("GET", `/imports/${id}`, { as })).body.import;
    if (imp.state === "processed" || imp.state === "failed") return imp;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`import ${id} was not processed`);
}

describe("merging", () => {
  it("merges two Records that one Import shows to be the same person into the older one, and records it", { timeout: 60_000 }, async () => {
    const { ws, as, pushSource } = await pushWorkspace("merge");
    await api("POST", "/properties", { as, body: { key: "work_email", type: "email", unique: true, sourceId: pushSource.id, column: "work_email" } });

    const older = await importAndWait(as, { external_id: "crm-7", plan: "pro" });
    const newer = await importAndWait(as, { work_email: "Grace@Example.com", tags: ["vip"] });
    expect(older.recordId).not.toBe(newer.recordId);

    const group = async (name: string, recordIds: string[]) => {
      const created = (await api("POST", "/groups", { as, body: { name, type: "manual" } })).body.group;
      expect((await api("POST", `/groups/${created.id}/members`, { as, body: { recordIds } })).status).toBe(200);
      return created.id as string;
    };
    const newerOnly = await group("Newer only", [newer.recordId]);
    const both = await group("Both", [older.recordId, newer.recordId]);

    const joining = await importAndWait(as, { external_id: "crm-7", work_email: "grace@example.com" });
    expect(joining).toMatchObject({ state: "processed", recordId: older.recordId });

    const count = await env.DB.prepare("select count(*) as n from records where tenant_id = ?").bind(ws.workspace.id).first<{ n: number }>();
    expect(count!.n).toBe(1);
    const record = (await api("GET", `/records/${older.recordId}`, { as })).body.record;
    expect(record.identities.map((i: { key: string; value: string }) => `${i.key}=${i.value}`).sort()).toEqual(["external_id=crm-7", "work_email=grace@example.com"]);
    const values = Object.fromEntries(record.properties.map((p: { key: string; values: unknown[] }) => [p.key, p.values]));
    expect(values).toMatchObject({ plan: ["pro"], tags: ["vip"] });
    expect((await api("GET", `/records/${newer.recordId}`, { as })).status).toBe(404);
    expect((await api("GET", `/imports/${newer.id}`, { as })).body.import.recordId).toBe(older.recordId);

    // Memberships move to the survivor, once per Group, with their counts and history.
    for (const groupId of [newerOnly, both]) {
      expect((await api("GET", `/groups/${groupId}/members`, { as })).body.members.map((m: { recordId: string }) => m.recordId)).toEqual([older.recordId]);
      expect((await api("GET", `/groups/${groupId}`, { as })).body.group.memberCount).toBe(1);
    }
    const history = await env.DB.prepare("select count(*) as n from group_membership_changes where record_id = ?").bind(older.recordId).first<{ n: number }>();
    expect(history!.n).toBe(3);

    const merges = (await api("GET", "/audit-log?action=record.merge", { as })).body.entries;
    expect(merges).toHaveLength(1);
    expect(merges[0]).toMatchObject({ actorType: "system", targetId: older.recordId, after: { recordId: older.recordId, merged: [newer.recordId] } });
  });
});
