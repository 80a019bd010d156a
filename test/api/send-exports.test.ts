import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import { sendExports } from "../../worker/exports/send";
import { exportStatements } from "../../worker/exports/write";
import { findAppType, findDestinationType } from "../../worker/plugins/registry";
import { api, createKey } from "../support/api";
import { exportsTo } from "../support/exports";
import { importPeople } from "../support/import-people";
import { pushWorkspace } from "../support/push-workspace";
import { recordingD1 } from "../support/query-plans";

describe("sending a Destination's Exports", () => {
  it("reads the workspace once and works out the Destination's limits once", async () => {
    const { ws, as } = await pushWorkspace("sendonce");
    const tenantId = ws.workspace.id;
    const recordOf = new Map<string, string>();
    await importPeople((await createKey(as, ["write:imports"])).secret, [{ external_id: "s1", plan: "pro" }], recordOf);
    const recordId = recordOf.get("s1")!;
    const app = (await api("POST", "/apps", { as, body: { name: "Outbox", plugin: "inspector", type: "inspector" } })).body.app;
    // A collection nobody is in, so only the Export written below is there to send, and nothing sends it first.
    const group = (await api("POST", "/groups", { as, body: { name: "Nobody", type: "manual" } })).body.group;
    const created = await api("POST", "/destinations", { as, body: { appId: app.id, type: "inspector", name: "Quiet", groupId: group.id, mapping: [{ remote: "plan", property: "plan" }] } });
    const destinationId = created.body.destination.id as string;
    const revision = (await env.DB.prepare("select revision from records where id = ?").bind(recordId).first<number>("revision"))!;
    const decision = { destinationId, action: "upsert" as const, old: null, new: { fields: { plan: "pro" }, lists: [] }, revision, seq: 1 };
    await env.DB.batch(await exportStatements(env.DB, tenantId, recordId, [decision], revision + 1, Date.now()));

    const statements: string[] = [];
    const db = recordingD1(statements);
    const recording = new Proxy(env, { get: (target, name) => (name === "DB" ? db : Reflect.get(target, name)) });
    const limits = vi.spyOn(findDestinationType(findAppType("inspector", "inspector").appType, "inspector"), "limits");
    try {
      await sendExports(recording, tenantId, destinationId);
      expect(limits).toHaveBeenCalledTimes(1);
    } finally {
      limits.mockRestore();
    }
    expect((await exportsTo(destinationId)).map((e) => [e.state, e.reason])).toEqual([["complete", "Sent"]]);
    expect(statements.filter((s) => /\bfrom\s+"?tenants"?/i.test(s))).toHaveLength(1);
  });
});
