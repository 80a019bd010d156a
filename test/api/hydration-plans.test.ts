import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { hydrateImports } from "../../worker/pipeline/hydrate";
import { api, type Caller } from "../support/api";
import { pushWorkspace } from "../support/push-workspace";
import { planOf, recordingD1 } from "../support/query-plans";

let as: Caller;
let tenantId: string;
let pushSourceId: string;

beforeAll(async () => {
  const ws = await pushWorkspace("hydrationplans");
  as = ws.as;
  tenantId = ws.ws.workspace.id;
  pushSourceId = ws.pushSource.id;
  const app = (await api("POST", "/apps", { as, body: { name: "Outbox", plugin: "inspector", type: "inspector" } })).body.app;
  const destination = await api("POST", "/destinations", { as, body: { appId: app.id, type: "inspector", name: "Everyone", mapping: [{ remote: "plan", property: "plan" }] } });
  expect(destination.status).toBe(201);
});

/** Imports stored as the API stores them, but with no message queued: the test hydrates them itself. */
async function storedImports(people: Record<string, unknown>[]) {
  const ids = people.map((_, i) => `imp_plans${String(Date.now()).slice(-8)}${String(i).padStart(11, "0")}`);
  await env.DB.batch(
    people.map((p, i) =>
      env.DB.prepare(`insert into imports (id, tenant_id, source_id, via, data, state, created_at) values (?, ?, ?, 'api', ?, 'pending', ?)`).bind(ids[i], tenantId, pushSourceId, JSON.stringify(p), Date.now() + i),
    ),
  );
  return ids;
}

/** Tables that grow with a workspace's people; its catalog (Properties, Groups, Destinations) may be read whole. */
const GROWING = "(imports|records|record_properties|record_identities|record_changes|group_members|exports|destination_records)";
/** A plan step that reads rows of the whole workspace, or every value of a Property, to find a few named ones. */
const WORKSPACE_WIDE = [
  new RegExp(`SEARCH ${GROWING} USING (COVERING )?INDEX \\w+ \\(tenant_id=\\?\\)`),
  /record_properties_property_value_idx \(property_id=\?\)$/m,
  new RegExp(`^SCAN ${GROWING}\\b`, "m"),
];

describe("hydration's statements", () => {
  it("find the Imports, Records and values they name through those rows' own indexes, so a batch costs the same in any size of workspace", async () => {
    const statements: string[] = [];
    const recording = { ...env, DB: recordingD1(statements) };
    // A hundred: SQLite's choice of index for a list of ids depends on the list's length, and batches name up to 90 at once.
    const people = Array.from({ length: 100 }, (_, i) => ({ external_id: `plans-${i + 1}`, plan: i % 2 ? "pro" : "free" }));
    await hydrateImports(recording, tenantId, await storedImports(people));
    // A second round updates the same Records, so their values are replaced and confirmed, not only inserted.
    await hydrateImports(recording, tenantId, await storedImports([{ external_id: "plans-1", plan: "team" }, { external_id: "plans-2", plan: "free" }]));
    const processed = await env.DB.prepare("select count(*) as n from imports where tenant_id = ? and id like 'imp_plans%' and state = 'processed'").bind(tenantId).first<number>("n");
    expect(processed).toBe(102);
    const distinct = [...new Set(statements)];
    expect(distinct.some((s) => s.startsWith("delete from record_properties"))).toBe(true);
    expect(distinct.some((s) => s.includes("insert into exports"))).toBe(true);
    for (const sql of distinct) {
      const plan = await planOf(sql);
      for (const wide of WORKSPACE_WIDE) expect(plan, `${sql}\n${plan}`).not.toMatch(wide);
    }
  });
});
