import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { user } from "../../plugins/sample/dataset";
import { createDb } from "../../worker/db/client";
import { TenantScope } from "../../worker/db/tenant-scope";
import { findSource, runtimeFor } from "../../worker/services/sources";
import { api, signUp, tableCounts } from "../support/api";

const US_ONLY = [{ column: "country", op: "eq", value: "US" }];

async function usSource(label: string) {
  const ws = await signUp(label);
  const app = (await api("POST", "/apps", { as: ws.owner, body: { name: "Demo", plugin: "sample", type: "sample", options: { customers: 200 } } })).body.app;
  const res = await api("POST", "/sources", {
    as: ws.owner,
    body: { appId: app.id, name: "US users", type: "table", options: { collection: "users" }, filters: US_ONLY, identity: { column: "email", propertyKey: "email", propertyType: "email" } },
  });
  if (res.status !== 201) throw new Error(JSON.stringify(res.body));
  return { ws, appId: app.id as string, source: res.body.source };
}

describe("Source filters", () => {
  it("keep filtered-out rows out of previews, imports and every Property the Source provides", async () => {
    const { ws, source } = await usSource("srcfilter");
    expect(source.filters).toEqual(US_ONLY);
    const preview = await api("GET", `/sources/${source.id}/preview?limit=20`, { as: ws.owner });
    expect(preview.body.preview.rows).toHaveLength(20);
    expect(preview.body.preview.rows.every((r: { country: string }) => r.country === "US")).toBe(true);

    const scope = new TenantScope(createDb(env.DB), ws.workspace.id);
    const { runtime } = await runtimeFor(scope, env, await findSource(scope, source.id));
    const page = await runtime.importPage({ cursor: null, limit: 200 });
    const expectedUs = Array.from({ length: 200 }, (_, i) => user(i + 1)).filter((u) => u.country === "US");
    expect(page.rows.map((r) => r.id)).toEqual(expectedUs.map((u) => u.id));

    const nonUs = Array.from({ length: 200 }, (_, i) => user(i + 1)).find((u) => u.country !== "US")!;
    const us = expectedUs[0]!;
    const values = await runtime.recordProperties({
      identity: { column: "email", propertyKey: "email" },
      properties: [{ key: "first_name", column: "first_name", aggregation: "exact", filters: [], array: false }],
      records: [
        { recordId: "us", values: { email: String(us.email) } },
        { recordId: "other", values: { email: String(nonUs.email) } },
      ],
    });
    expect(values.get("us")).toEqual({ first_name: [us.first_name] });
    expect(values.get("other")).toEqual({ first_name: [] });
  });

  it("are checked against the Source's columns, and changing them marks values for re-reading", async () => {
    const { ws, appId, source } = await usSource("srcfilter2");
    const before = await tableCounts();
    const bad = await api("POST", "/sources", {
      as: ws.owner,
      body: { appId, name: "x", type: "table", options: { collection: "users" }, filters: [{ column: "planet", op: "eq", value: "earth" }], identity: { column: "email", propertyKey: "email" } },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.field).toBe("filters.0.column");
    const noValue = await api("PATCH", `/sources/${source.id}`, { as: ws.owner, body: { filters: [{ column: "country", op: "eq" }] } });
    expect(noValue.status).toBe(400);
    expect(await tableCounts()).toEqual(before);

    const email = (await api("GET", "/properties", { as: ws.owner })).body.properties[0];
    const changed = await api("PATCH", `/sources/${source.id}`, { as: ws.owner, body: { filters: [{ column: "country", op: "in", value: ["US", "DE"] }] } });
    expect(changed.status).toBe(200);
    expect(changed.body.source.filters).toEqual([{ column: "country", op: "in", value: ["US", "DE"] }]);
    expect((await api("GET", `/properties/${email.id}`, { as: ws.owner })).body.property.version).toBe(2);
  });

  it("apply to a draft preview too", async () => {
    const { ws, appId } = await usSource("srcfilter3");
    const res = await api("POST", "/sources/preview", { as: ws.owner, body: { appId, type: "table", options: { collection: "users" }, filters: [{ column: "country", op: "eq", value: "DE" }] } });
    expect(res.body.preview.rows.length).toBeGreaterThan(0);
    expect(res.body.preview.rows.every((r: { country: string }) => r.country === "DE")).toBe(true);
  });
});
