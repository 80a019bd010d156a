import { beforeAll, describe, expect, it } from "vitest";
import type { DestinationFields } from "../../plugins/contract";
import type { Property } from "../../worker/db/schema";
import { checkMapping } from "../../worker/destinations/mapping";
import { ApiError } from "../../worker/errors";
import { api, type Caller, tableCounts } from "../support/api";
import { pushWorkspace } from "../support/push-workspace";

let as: Caller;
let inspectorAppId: string;
let pushAppId: string;
let vipGroupId: string;
let betaGroupId: string;

beforeAll(async () => {
  const ws = await pushWorkspace("destinations");
  as = ws.as;
  pushAppId = ws.pushAppId;
  expect((await api("POST", "/properties", { as, body: { key: "ltv", type: "float", sourceId: ws.pushSource.id, column: "ltv" } })).status).toBe(201);
  inspectorAppId = (await api("POST", "/apps", { as, body: { name: "Outbox", plugin: "inspector", type: "inspector" } })).body.app.id;
  vipGroupId = (await api("POST", "/groups", { as, body: { name: "VIPs", type: "manual" } })).body.group.id;
  betaGroupId = (await api("POST", "/groups", { as, body: { name: "Beta", type: "manual" } })).body.group.id;
});

const definition = (name: string, extra: Record<string, unknown> = {}) => ({
  appId: inspectorAppId,
  type: "inspector",
  name,
  groupId: vipGroupId,
  mapping: [
    { remote: "name", property: "first_name" },
    { remote: "lifetime_value", property: "ltv" },
  ],
  groupLists: [{ groupId: betaGroupId, remote: "beta-testers" }],
  ...extra,
});

describe("Destinations", () => {
  it("are created on an App with a collection, mapping and Group lists, shown with Property keys and Export counts", async () => {
    const created = await api("POST", "/destinations", { as, body: definition("VIP outbox") });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const destination = created.body.destination;
    expect(destination).toMatchObject({
      name: "VIP outbox",
      type: "inspector",
      groupId: vipGroupId,
      syncMode: "sync",
      configVersion: 1,
      groupLists: [{ groupId: betaGroupId, remote: "beta-testers" }],
      exports: { pending: 0, sending: 0, complete: 0, failed: 0, canceled: 0 },
    });
    expect(destination.mapping.map((m: { remote: string; property: string }) => [m.remote, m.property])).toEqual([
      ["name", "first_name"],
      ["lifetime_value", "ltv"],
    ]);
    expect((await api("GET", "/destinations", { as })).body.destinations.map((d: { id: string }) => d.id)).toContain(destination.id);
    expect((await api("GET", `/destinations/${destination.id}`, { as })).body.destination.name).toBe("VIP outbox");
  });

  it("move to a new configuration version when what decides their Records changes, not when renamed", async () => {
    const { id } = (await api("POST", "/destinations", { as, body: definition("Versioned") })).body.destination;
    const renamed = await api("PATCH", `/destinations/${id}`, { as, body: { name: "Versioned, renamed" } });
    expect(renamed.body.destination).toMatchObject({ name: "Versioned, renamed", configVersion: 1 });
    const remapped = await api("PATCH", `/destinations/${id}`, { as, body: { mapping: [{ remote: "name", property: "first_name" }] } });
    expect(remapped.body.destination.configVersion).toBe(2);
    const everyone = await api("PATCH", `/destinations/${id}`, { as, body: { groupId: null, syncMode: "additive" } });
    expect(everyone.body.destination).toMatchObject({ groupId: null, syncMode: "additive", configVersion: 3 });
    expect(everyone.body.destination.mapping).toHaveLength(1);
    expect((await api("DELETE", `/destinations/${id}`, { as })).status).toBe(204);
    expect((await api("GET", `/destinations/${id}`, { as })).status).toBe(404);
    const actions = (await api("GET", "/audit-log", { as })).body.entries.filter((e: { targetId: string }) => e.targetId === id).map((e: { action: string }) => e.action);
    expect(actions.sort()).toEqual(["destination.create", "destination.delete", "destination.update", "destination.update", "destination.update"]);
  });

  it("refuse bad definitions with an error naming the field, and change nothing", async () => {
    await api("POST", "/destinations", { as, body: definition("Taken") });
    const before = await tableCounts();
    const cases: [Record<string, unknown>, number, RegExp][] = [
      [definition("Taken"), 409, /already exists/],
      [definition("No such Property", { mapping: [{ remote: "name", property: "nickname" }] }), 400, /mapping\.0\.property: no Property has the key "nickname"/],
      [definition("Twice", { mapping: [{ remote: "name", property: "first_name" }, { remote: "name", property: "ltv" }] }), 400, /mapping\.1\.remote: "name" is mapped more than once/],
      [definition("No such Group", { groupId: "grp_000000000000000000000000" }), 400, /groupId: no such Group/],
      [definition("No such list Group", { groupLists: [{ groupId: "grp_000000000000000000000000", remote: "x" }] }), 400, /groupLists\.0\.groupId: no such Group/],
      [definition("List twice", { groupLists: [{ groupId: betaGroupId, remote: "a" }, { groupId: betaGroupId, remote: "b" }] }), 400, /groupLists\.1\.groupId: the Group is listed more than once/],
      [definition("Odd mode", { syncMode: "mirror" }), 400, /syncMode/],
      [definition("Extra", { colour: "red" }), 400, /colour/],
      [definition("Options", { options: { url: "https://example.com" } }), 400, /Inspector options/],
      [definition("", {}), 400, /name/],
      [definition("Wrong App", { appId: pushAppId }), 400, /API & webhooks Apps have no Destination type "inspector"; they offer none/],
      [definition("No App", { appId: "app_000000000000000000000000" }), 404, /App/],
    ];
    for (const [body, status, message] of cases) {
      const res = await api("POST", "/destinations", { as, body });
      expect(res.status, `${JSON.stringify(body)} → ${JSON.stringify(res.body)}`).toBe(status);
      expect(res.body.error.message).toMatch(message);
    }
    expect(await tableCounts()).toEqual(before);
  });

  it("keep the Groups and App they use from being deleted, until they are gone", async () => {
    const app = (await api("POST", "/apps", { as, body: { name: "Second outbox", plugin: "inspector", type: "inspector" } })).body.app;
    const group = (await api("POST", "/groups", { as, body: { name: "Listed", type: "manual" } })).body.group;
    const { id } = (await api("POST", "/destinations", { as, body: definition("Holder", { appId: app.id, groupLists: [{ groupId: group.id, remote: "listed" }] }) })).body.destination;
    const groupRefused = await api("DELETE", `/groups/${group.id}`, { as });
    expect(groupRefused.status).toBe(409);
    expect(groupRefused.body.error).toMatchObject({ code: "conflict", details: { destinations: [id] } });
    const collectionRefused = await api("DELETE", `/groups/${vipGroupId}`, { as });
    expect(collectionRefused.status).toBe(409);
    const appRefused = await api("DELETE", `/apps/${app.id}`, { as });
    expect(appRefused.status).toBe(409);
    expect(appRefused.body.error.message).toMatch(/Holder/);
    expect((await api("DELETE", `/destinations/${id}`, { as })).status).toBe(204);
    expect((await api("DELETE", `/groups/${group.id}`, { as })).status).toBe(204);
    expect((await api("DELETE", `/apps/${app.id}`, { as })).status).toBe(204);
  });

  it("show what a mapping may use, for a saved Destination and for a draft", async () => {
    const { id } = (await api("POST", "/destinations", { as, body: definition("Options shown") })).body.destination;
    const saved = (await api("GET", `/destinations/${id}/mapping-options`, { as })).body.mappingOptions;
    expect(saved).toMatchObject({ fields: [], customFields: true, lists: { label: "Tags" } });
    expect(saved.properties).toEqual(expect.arrayContaining([{ key: "first_name", type: "string", array: false }, { key: "ltv", type: "float", array: false }]));
    const draft = await api("POST", "/destinations/mapping-options", { as, body: { appId: inspectorAppId, type: "inspector" } });
    expect(draft.body.mappingOptions).toEqual(saved);
  });
});

describe("a mapping is checked against the Destination's fields", () => {
  const prop = (key: string, type: Property["type"]) => ({ id: `prp_${key}`, key, type }) as Property;
  const props = [prop("email", "email"), prop("ltv", "float"), prop("signed_up", "date"), prop("vip", "boolean")];
  const crm: DestinationFields = {
    customFields: false,
    lists: null,
    fields: [
      { name: "email", label: "Email", type: "string", required: true, arrays: "first" },
      { name: "revenue", label: "Revenue", type: "number", required: false, arrays: "first" },
      { name: "since", label: "Since", type: "date", required: false, arrays: "first" },
    ],
  };
  const refusal = (fn: () => unknown) => {
    try {
      fn();
    } catch (err) {
      return (err as ApiError).message;
    }
    return "accepted";
  };

  it("accepts fitting types and gives back Property ids", () => {
    const mapped = checkMapping(
      [
        { remote: "email", property: "email" },
        { remote: "revenue", property: "ltv" },
        { remote: "since", property: "signed_up" },
      ],
      crm,
      props,
    );
    expect(mapped).toEqual([
      { remote: "email", propertyId: "prp_email", arrays: "first" },
      { remote: "revenue", propertyId: "prp_ltv", arrays: "first" },
      { remote: "since", propertyId: "prp_signed_up", arrays: "first" },
    ]);
  });

  it("refuses unknown fields, unfitting types and unmapped required fields", () => {
    expect(refusal(() => checkMapping([{ remote: "email", property: "email" }, { remote: "phone", property: "email" }], crm, props))).toMatch(
      /mapping\.1\.remote: the Destination has no field "phone"; it has email, revenue, since/,
    );
    expect(refusal(() => checkMapping([{ remote: "email", property: "email" }, { remote: "revenue", property: "vip" }], crm, props))).toMatch(
      /mapping\.1\.property: "revenue" takes number values, and "vip" is a boolean Property/,
    );
    expect(refusal(() => checkMapping([{ remote: "revenue", property: "ltv" }], crm, props))).toMatch(/mapping: the Destination needs "email" mapped/);
  });
});
