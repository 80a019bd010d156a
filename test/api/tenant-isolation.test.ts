import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { ALL_SCOPES } from "../../worker/auth/scopes";
import { app } from "../../worker/app";
import { createDb } from "../../worker/db/client";
import { TenantScope } from "../../worker/db/tenant-scope";
import { listProperties } from "../../worker/services/properties";
import { resolveRecord } from "../../worker/services/record-identity";
import { addMember, api, type Caller, createKey, signUp, unique, type Workspace, waitForRun, workspaceSnapshot } from "../support/api";
import { storeValues } from "../support/record-values";
import { deliverEventsSigned, deliverSigned } from "../support/webhooks";

/**
 * Workspace B (by session and by an all-scopes API key) against workspace A's objects.
 * Every route the app serves must be listed below in exactly one group; a new route that is not
 * fails the coverage test, so this suite grows with the API.
 */
interface AIds {
  memberId: string;
  invitationId: string;
  apiKeyId: string;
  workspaceId: string;
  appId: string;
  sourceId: string;
  propertyId: string;
  fileId: string;
  scheduleId: string;
  runId: string;
  recordId: string;
  importId: string;
  deadLetterId: string;
  groupId: string;
  calculatedGroupId: string;
  inspectorAppId: string;
  destinationId: string;
  exportId: string;
  eventId: string;
  marker: string[];
}

const sampleSource = (appId: string) => ({ appId, type: "table", options: { collection: "users" } });

/** Routes that name one of A's objects: B must get 404 and A must not change. */
const BY_ID: Record<string, (a: AIds) => { path: string; body?: unknown }> = {
  "PATCH /api/v1/members/:id": (a) => ({ path: `/members/${a.memberId}`, body: { role: "viewer" } }),
  "DELETE /api/v1/members/:id": (a) => ({ path: `/members/${a.memberId}` }),
  "DELETE /api/v1/invitations/:id": (a) => ({ path: `/invitations/${a.invitationId}` }),
  "DELETE /api/v1/api-keys/:id": (a) => ({ path: `/api-keys/${a.apiKeyId}` }),
  "POST /api/v1/auth/switch-workspace": (a) => ({ path: "/auth/switch-workspace", body: { workspaceId: a.workspaceId } }),
  "GET /api/v1/apps/:id": (a) => ({ path: `/apps/${a.appId}` }),
  "PATCH /api/v1/apps/:id": (a) => ({ path: `/apps/${a.appId}`, body: { name: "stolen" } }),
  "DELETE /api/v1/apps/:id": (a) => ({ path: `/apps/${a.appId}` }),
  "POST /api/v1/apps/:id/test": (a) => ({ path: `/apps/${a.appId}/test` }),
  "POST /api/v1/sources": (a) => ({ path: "/sources", body: { ...sampleSource(a.appId), name: "x", identity: { column: "email", propertyKey: "b_email" } } }),
  "POST /api/v1/sources/preview": (a) => ({ path: "/sources/preview", body: sampleSource(a.appId) }),
  "POST /api/v1/sources/option-choices": (a) => ({ path: "/sources/option-choices", body: { ...sampleSource(a.appId), key: "collection" } }),
  "GET /api/v1/sources/:id": (a) => ({ path: `/sources/${a.sourceId}` }),
  "PATCH /api/v1/sources/:id": (a) => ({ path: `/sources/${a.sourceId}`, body: { name: "stolen" } }),
  "DELETE /api/v1/sources/:id": (a) => ({ path: `/sources/${a.sourceId}` }),
  "GET /api/v1/sources/:id/preview": (a) => ({ path: `/sources/${a.sourceId}/preview` }),
  "GET /api/v1/sources/:id/columns": (a) => ({ path: `/sources/${a.sourceId}/columns` }),
  "POST /api/v1/sources/:id/webhook-secret": (a) => ({ path: `/sources/${a.sourceId}/webhook-secret` }),
  "POST /api/v1/properties": (a) => ({ path: "/properties", body: { key: "b_country", type: "string", sourceId: a.sourceId, column: "country" } }),
  "GET /api/v1/properties/:id": (a) => ({ path: `/properties/${a.propertyId}` }),
  "PATCH /api/v1/properties/:id": (a) => ({ path: `/properties/${a.propertyId}`, body: { key: "stolen" } }),
  "DELETE /api/v1/properties/:id": (a) => ({ path: `/properties/${a.propertyId}` }),
  "POST /api/v1/schedules": (a) => ({ path: "/schedules", body: { sourceId: a.sourceId, name: "stolen" } }),
  "GET /api/v1/schedules/:id": (a) => ({ path: `/schedules/${a.scheduleId}` }),
  "PATCH /api/v1/schedules/:id": (a) => ({ path: `/schedules/${a.scheduleId}`, body: { name: "stolen" } }),
  "DELETE /api/v1/schedules/:id": (a) => ({ path: `/schedules/${a.scheduleId}` }),
  "GET /api/v1/runs/:id": (a) => ({ path: `/runs/${a.runId}` }),
  "POST /api/v1/runs/:id/stop": (a) => ({ path: `/runs/${a.runId}/stop` }),
  "POST /api/v1/schedules/:id/runs": (a) => ({ path: `/schedules/${a.scheduleId}/runs` }),
  "POST /api/v1/dead-letters/:id/replay": (a) => ({ path: `/dead-letters/${a.deadLetterId}/replay` }),
  "GET /api/v1/records/:id": (a) => ({ path: `/records/${a.recordId}` }),
  "GET /api/v1/groups/:id": (a) => ({ path: `/groups/${a.groupId}` }),
  "PATCH /api/v1/groups/:id": (a) => ({ path: `/groups/${a.groupId}`, body: { name: "stolen" } }),
  "DELETE /api/v1/groups/:id": (a) => ({ path: `/groups/${a.groupId}` }),
  "GET /api/v1/groups/:id/members": (a) => ({ path: `/groups/${a.groupId}/members` }),
  "GET /api/v1/groups/:id/counts": (a) => ({ path: `/groups/${a.groupId}/counts` }),
  "POST /api/v1/groups/:id/members": (a) => ({ path: `/groups/${a.groupId}/members`, body: { recordIds: [a.recordId] } }),
  "POST /api/v1/groups/:id/members/remove": (a) => ({ path: `/groups/${a.groupId}/members/remove`, body: { recordIds: [a.recordId] } }),
  "POST /api/v1/groups/:id/recalculate": (a) => ({ path: `/groups/${a.calculatedGroupId}/recalculate` }),
  "GET /api/v1/groups/:id/explain/:recordId": (a) => ({ path: `/groups/${a.calculatedGroupId}/explain/${a.recordId}` }),
  "GET /api/v1/imports/:id": (a) => ({ path: `/imports/${a.importId}` }),
  "POST /api/v1/destinations": (a) => ({ path: "/destinations", body: { appId: a.inspectorAppId, type: "inspector", name: "stolen", mapping: [] } }),
  "POST /api/v1/destinations/mapping-options": (a) => ({ path: "/destinations/mapping-options", body: { appId: a.inspectorAppId, type: "inspector" } }),
  "GET /api/v1/destinations/:id": (a) => ({ path: `/destinations/${a.destinationId}` }),
  "PATCH /api/v1/destinations/:id": (a) => ({ path: `/destinations/${a.destinationId}`, body: { name: "stolen" } }),
  "DELETE /api/v1/destinations/:id": (a) => ({ path: `/destinations/${a.destinationId}` }),
  "GET /api/v1/destinations/:id/mapping-options": (a) => ({ path: `/destinations/${a.destinationId}/mapping-options` }),
  "GET /api/v1/destinations/:id/records": (a) => ({ path: `/destinations/${a.destinationId}/records` }),
  "GET /api/v1/destinations/:id/exports/timeline": (a) => ({ path: `/destinations/${a.destinationId}/exports/timeline` }),
  "POST /api/v1/destinations/:id/dry-run": (a) => ({ path: `/destinations/${a.destinationId}/dry-run` }),
  "POST /api/v1/destinations/:id/exports/retry": (a) => ({ path: `/destinations/${a.destinationId}/exports/retry`, body: { exportId: a.exportId } }),
  "GET /api/v1/exports/:id": (a) => ({ path: `/exports/${a.exportId}` }),
  "GET /api/v1/events/:id": (a) => ({ path: `/events/${a.eventId}` }),
  "GET /api/v1/files/:id": (a) => ({ path: `/files/${a.fileId}` }),
  "DELETE /api/v1/files/:id": (a) => ({ path: `/files/${a.fileId}` }),
};

/** Routes that act on the caller's own workspace: B's call must show nothing of A and change nothing of A. */
const OWN_WORKSPACE: Record<string, { path: string; body?: () => unknown; upload?: string; sessionOnly?: boolean }> = {
  "GET /api/v1/workspace": { path: "/workspace" },
  "PATCH /api/v1/workspace": { path: "/workspace", body: () => ({ name: "B renamed" }) },
  // Before POST /workspaces, which moves B's session into a new workspace without B's email Property.
  "POST /api/v1/imports": { path: "/imports", body: () => ({ email: `${unique("b")}@example.com` }) },
  "POST /api/v1/events": { path: "/events", body: () => ({ name: "b_signed_up", identity: { email: `${unique("b")}@example.com` } }) },
  "GET /api/v1/workspaces": { path: "/workspaces", sessionOnly: true },
  "POST /api/v1/workspaces": { path: "/workspaces", body: () => ({ name: "B two", slug: unique("btwo") }), sessionOnly: true },
  "GET /api/v1/auth/session": { path: "/auth/session", sessionOnly: true },
  "GET /api/v1/members": { path: "/members" },
  "GET /api/v1/invitations": { path: "/invitations" },
  "POST /api/v1/invitations": { path: "/invitations", body: () => ({ email: `${unique("b")}@example.com`, role: "viewer" }) },
  "GET /api/v1/api-keys": { path: "/api-keys" },
  "POST /api/v1/api-keys": { path: "/api-keys", body: () => ({ name: "b key", scopes: ["read:team"] }) },
  "GET /api/v1/audit-log": { path: "/audit-log" },
  "GET /api/v1/plugins": { path: "/plugins" },
  "GET /api/v1/apps": { path: "/apps" },
  "POST /api/v1/apps": { path: "/apps", body: () => ({ name: "B sample", plugin: "sample", type: "sample", options: { customers: 5 } }) },
  "POST /api/v1/apps/test": { path: "/apps/test", body: () => ({ plugin: "sample", type: "sample", options: {} }) },
  "GET /api/v1/sources": { path: "/sources" },
  "GET /api/v1/properties": { path: "/properties" },
  "GET /api/v1/schedules": { path: "/schedules" },
  "GET /api/v1/runs": { path: "/runs" },
  "GET /api/v1/dead-letters": { path: "/dead-letters" },
  "GET /api/v1/records": { path: "/records" },
  "GET /api/v1/groups": { path: "/groups" },
  "POST /api/v1/groups": { path: "/groups", body: () => ({ name: unique("B group"), type: "manual" }) },
  "POST /api/v1/groups/preview": { path: "/groups/preview", body: () => ({ rules: { match: "all", rules: [{ property: "created_at", operator: "exists" }] } }) },
  "GET /api/v1/imports": { path: "/imports" },
  "GET /api/v1/destinations": { path: "/destinations" },
  "GET /api/v1/exports": { path: "/exports" },
  "GET /api/v1/events": { path: "/events" },
  "POST /api/v1/events/webhook-secret": { path: "/events/webhook-secret" },
  "GET /api/v1/files": { path: "/files" },
  "POST /api/v1/files": { path: "/files?name=b-people.csv", upload: "email\nb@example.com\n" },
};

/** Routes that belong to no workspace (who you are, or a secret link): tested in their own suites. */
const NOT_WORKSPACE_DATA = new Set([
  "GET /health",
  "POST /api/v1/auth/signup",
  "POST /api/v1/auth/login",
  "POST /api/v1/auth/logout",
  "POST /api/v1/invitations/lookup",
  "POST /api/v1/invitations/accept",
  // Public: the signature with the Source's secret names the workspace (cross-workspace test below).
  "POST /hooks/sources/:sourceId",
  // Public: the signature with the workspace's events secret vouches for the workspace it names (test below).
  "POST /hooks/events/:tenantId",
]);

const served = () => {
  const methods = new Set(["GET", "POST", "PUT", "PATCH", "DELETE"]);
  return [...new Set(app.routes.filter((r) => methods.has(r.method)).map((r) => `${r.method} ${r.path}`))];
};

let a: Workspace;
let aIds: AIds;
let bCallers: [string, Caller][];
let webhooks: { a: { sourceId: string; secret: string; eventsSecret: string }; b: { tenantId: string; sourceId: string; secret: string; eventsSecret: string } };

beforeAll(async () => {
  a = await signUp("tenanta");
  const member = await addMember(a, "editor", "amember");
  const invite = await api("POST", "/invitations", { as: a.owner, body: { email: `${unique("pending")}@example.com`, role: "viewer" } });
  const key = await createKey(a.owner, ["read:team"], "A's key");
  const app = await api("POST", "/apps", { as: a.owner, body: { name: "A's sample", plugin: "sample", type: "sample", options: { customers: 20 } } });
  const source = await api("POST", "/sources", {
    as: a.owner,
    body: { ...sampleSource(app.body.app.id), name: "A's users", identity: { column: "email", propertyKey: "email", propertyType: "email" } },
  });
  const property = await api("POST", "/properties", { as: a.owner, body: { key: "first_name", type: "string", sourceId: source.body.source.id, column: "first_name" } });
  const schedule = await api("POST", "/schedules", { as: a.owner, body: { sourceId: source.body.source.id, name: "A's schedule", everyMinutes: 60 } });
  const runId = "run_isolationisolationisolat";
  await env.DB.prepare(
    `insert into runs (id, tenant_id, schedule_id, state, trigger, incremental, page, counters, percent_complete, created_at, updated_at)
     values (?, ?, ?, 'complete', 'manual', 0, 0, '{}', 100, ?, ?)`,
  )
    .bind(runId, a.workspace.id, schedule.body.schedule.id, Date.now(), Date.now())
    .run();
  const file = await api("POST", "/files?name=a-customers.csv", { as: a.owner, rawBody: "email\na@example.com\n", headers: { "content-type": "text/csv" } });
  const aScope = new TenantScope(createDb(env.DB), a.workspace.id);
  const aProperties = await listProperties(aScope);
  const emailProperty = aProperties.find((p) => p.key === "email")!;
  const resolved = await resolveRecord(aScope, [{ propertyId: emailProperty.id, value: "a-record@example.com" }], { create: true });
  const recordId = (resolved as { recordId: string }).recordId;
  await storeValues(aScope.tenantId, recordId, aProperties, { email: ["a-record@example.com"], first_name: ["A's customer"] });
  const aHook = await api("POST", `/sources/${source.body.source.id}/webhook-secret`, { as: a.owner });
  // Written directly, not through POST /imports, so no hydration runs and changes A while B's calls are checked.
  const importId = "imp_isolationisolationisolat";
  await env.DB.prepare(`insert into imports (id, tenant_id, source_id, via, data, state, created_at) values (?, ?, ?, 'api', '{"email":"a@example.com"}', 'pending', ?)`)
    .bind(importId, a.workspace.id, source.body.source.id, Date.now())
    .run();
  const deadLetterId = "dlq_isolationisolationisolat";
  await env.DB.prepare(`insert into dead_letters (id, tenant_id, queue, body, error, created_at) values (?, ?, 'groupflow-hydration', ?, 'A failed', ?)`)
    .bind(deadLetterId, a.workspace.id, JSON.stringify({ kind: "hydrate", tenantId: a.workspace.id, importIds: [importId] }), Date.now())
    .run();
  const group = await api("POST", "/groups", { as: a.owner, body: { name: "A's VIPs", type: "manual" } });
  await api("POST", `/groups/${group.body.group.id}/members`, { as: a.owner, body: { recordIds: [recordId] } });
  const calculated = await api("POST", "/groups", { as: a.owner, body: { name: "A's named", type: "calculated", rules: { match: "all", rules: [{ property: "first_name", operator: "exists" }] } } });
  await waitForRun(a.owner, calculated.body.run.id);
  const inspector = await api("POST", "/apps", { as: a.owner, body: { name: "A's inspector", plugin: "inspector", type: "inspector" } });
  const destination = await api("POST", "/destinations", {
    as: a.owner,
    body: { appId: inspector.body.app.id, type: "inspector", name: "A's outbox", groupId: group.body.group.id, mapping: [{ remote: "name", property: "first_name" }] },
  });
  // Written directly: a failed Export of A's, which B must neither see nor retry.
  const exportId = "exp_isolationisolationisolat";
  await env.DB.prepare(
    `insert into exports (id, tenant_id, destination_id, record_id, kind, state, new_payload, to_delete, revision, attempts, next_attempt_at, error, created_at, updated_at)
     values (?, ?, ?, ?, 'record', 'failed', ?, 0, 1, 10, 0, 'A refused', ?, ?)`,
  )
    .bind(exportId, a.workspace.id, destination.body.destination.id, recordId, JSON.stringify({ fields: { name: "A's customer" }, lists: [] }), Date.now(), Date.now())
    .run();
  // Written directly, matched to A's Record: B must neither list nor read it.
  const eventId = "evt_isolationisolationisolat";
  await env.DB.prepare(
    `insert into events (id, tenant_id, name, occurred_at, received_at, identity, data, applied_keys, import_id, record_id, via)
     values (?, ?, 'a_cart_abandoned', ?, ?, '{"email":"a-record@example.com"}', ?, '[]', null, ?, 'api')`,
  )
    .bind(eventId, a.workspace.id, Date.now(), Date.now(), JSON.stringify({ cart_items: ["A's red shirt"] }), recordId)
    .run();
  aIds = {
    exportId,
    eventId,
    inspectorAppId: inspector.body.app.id,
    destinationId: destination.body.destination.id,
    groupId: group.body.group.id,
    calculatedGroupId: calculated.body.group.id,
    memberId: member.memberId,
    invitationId: invite.body.invitation.id,
    apiKeyId: key.id,
    workspaceId: a.workspace.id,
    appId: app.body.app.id,
    sourceId: source.body.source.id,
    propertyId: property.body.property.id,
    fileId: file.body.file.id,
    scheduleId: schedule.body.schedule.id,
    runId,
    recordId,
    importId,
    deadLetterId,
    marker: [deadLetterId, recordId, "a-record@example.com", "A's customer", importId, schedule.body.schedule.id, runId, "A's schedule", a.workspace.id, a.email, member.email, invite.body.invitation.id, key.id, a.workspace.slug, app.body.app.id, source.body.source.id, property.body.property.id, "A's sample", "A's users", file.body.file.id, "a-customers.csv", inspector.body.app.id, destination.body.destination.id, "A's outbox", exportId, eventId, "a_cart_abandoned", "A's red shirt"],
  };
  const b = await signUp("tenantb");
  const bKey = await createKey(b.owner, ALL_SCOPES, "B's all-scopes key");
  const bApp = await api("POST", "/apps", { as: b.owner, body: { name: "B's API", plugin: "push", type: "push" } });
  const bSource = await api("POST", "/sources", { as: b.owner, body: { appId: bApp.body.app.id, name: "B's pushed", type: "push" } });
  await api("POST", "/properties", { as: b.owner, body: { key: "email", type: "email", unique: true, sourceId: bSource.body.source.id, column: "email" } });
  const bHook = await api("POST", `/sources/${bSource.body.source.id}/webhook-secret`, { as: b.owner });
  const aEvents = await api("POST", "/events/webhook-secret", { as: a.owner });
  const bEvents = await api("POST", "/events/webhook-secret", { as: b.owner });
  webhooks = {
    a: { sourceId: source.body.source.id, secret: aHook.body.secret, eventsSecret: aEvents.body.secret },
    b: { tenantId: b.workspace.id, sourceId: bSource.body.source.id, secret: bHook.body.secret, eventsSecret: bEvents.body.secret },
  };
  bCallers = [
    ["B's session", b.owner],
    ["B's API key", { key: bKey.secret }],
  ];
});

describe("tenant isolation", () => {
  it("covers every route the API serves", () => {
    const covered = new Set([...Object.keys(BY_ID), ...Object.keys(OWN_WORKSPACE), ...NOT_WORKSPACE_DATA]);
    const missing = served().filter((r) => !covered.has(r));
    expect(missing, "add these routes to the tenant isolation suite").toEqual([]);
    const stale = [...covered].filter((r) => !served().includes(r));
    expect(stale, "these routes no longer exist").toEqual([]);
  });

  for (const [route, build] of Object.entries(BY_ID)) {
    it(`${route}: A's object is not found for B and stays unchanged`, async () => {
      const [method] = route.split(" ");
      for (const [who, as] of bCallers) {
        if (route.includes("/auth/") && as.key) continue;
        const { path, body } = build(aIds);
        // A missing id would make any route answer 404 and the check pass for nothing.
        expect(`${path} ${JSON.stringify(body ?? {})}`, route).not.toMatch(/undefined|null/);
        const before = await workspaceSnapshot(a.workspace.id);
        const res = await api(method!, path, { as, body });
        expect(res.status, `${who} ${route}`).toBe(404);
        expect(res.body.error.code).toBe("not_found");
        expect(await workspaceSnapshot(a.workspace.id), `${who} ${route} changed A`).toBe(before);
      }
    });
  }

  for (const [route, spec] of Object.entries(OWN_WORKSPACE)) {
    it(`${route}: B sees and changes only its own workspace`, async () => {
      const [method] = route.split(" ");
      for (const [who, as] of bCallers) {
        if (spec.sessionOnly && as.key) continue;
        const before = await workspaceSnapshot(a.workspace.id);
        const res = spec.upload
          ? await api(method!, spec.path, { as, rawBody: spec.upload, headers: { "content-type": "text/csv" } })
          : await api(method!, spec.path, { as, body: spec.body?.() });
        expect(res.status, `${who} ${route}: ${JSON.stringify(res.body)}`).toBeLessThan(300);
        const text = JSON.stringify(res.body);
        for (const value of aIds.marker) expect(text, `${who} ${route} leaked ${value}`).not.toContain(value);
        expect(await workspaceSnapshot(a.workspace.id), `${who} ${route} changed A`).toBe(before);
      }
    });
  }

  it("POST /hooks/sources/:sourceId: a signature made with one workspace's secret stores nothing in the other's Source", async () => {
    const imports = async () => (await env.DB.prepare("select tenant_id, count(*) as n from imports group by tenant_id having tenant_id in (?, ?)").bind(a.workspace.id, webhooks.b.tenantId).all()).results;
    const body = JSON.stringify({ email: "crossed@example.com" });
    const before = await imports();
    const intoB = await deliverSigned(webhooks.b.sourceId, webhooks.a.secret, body);
    const intoA = await deliverSigned(webhooks.a.sourceId, webhooks.b.secret, body);
    expect([intoB.status, intoA.status]).toEqual([401, 401]);
    expect(intoB.body).toEqual(intoA.body);
    expect(await imports()).toEqual(before);
  });

  it("POST /hooks/events/:tenantId: a signature made with one workspace's events secret stores nothing in the other", async () => {
    const stored = async () => (await env.DB.prepare("select tenant_id, count(*) as n from events group by tenant_id having tenant_id in (?, ?)").bind(a.workspace.id, webhooks.b.tenantId).all()).results;
    const body = JSON.stringify({ name: "crossed", identity: { email: "crossed@example.com" } });
    const before = await stored();
    const intoB = await deliverEventsSigned(webhooks.b.tenantId, webhooks.a.eventsSecret, body);
    const intoA = await deliverEventsSigned(a.workspace.id, webhooks.b.eventsSecret, body);
    expect([intoB.status, intoA.status]).toEqual([401, 401]);
    expect(intoB.body).toEqual(intoA.body);
    expect(await stored()).toEqual(before);
  });

  it("B cannot put A's Records into B's own Group", async () => {
    for (const [, as] of bCallers) {
      const own = (await api("POST", "/groups", { as, body: { name: unique("B mine"), type: "manual" } })).body.group;
      const added = await api("POST", `/groups/${own.id}/members`, { as, body: { recordIds: [aIds.recordId] } });
      expect(added.status).toBe(400);
      expect(added.body.error.details.unknown).toEqual([aIds.recordId]);
      const skipped = await api("POST", `/groups/${own.id}/members`, { as, body: { recordIds: [aIds.recordId], skipUnknown: true } });
      expect(skipped.body).toMatchObject({ changed: 0, skipped: [aIds.recordId] });
      expect((await api("GET", `/groups/${own.id}/members`, { as })).body.members).toEqual([]);
    }
  });

  it("B's rules see only B's Records, and cannot explain A's", async () => {
    const recordsOf = async (tenantId: string) => (await env.DB.prepare("select id from records where tenant_id = ?").bind(tenantId).all<{ id: string }>()).results.map((r) => r.id).sort();
    for (const [, as] of bCallers) {
      // A session may have moved to another of B's workspaces by now; the rules see whichever one it is in.
      const tenantId = (await api("GET", "/workspace", { as })).body.workspace.id as string;
      // B's earlier imports become Records in the background; let them settle so the counts hold still.
      for (let i = 0; i < 200; i++) {
        const unsettled = await env.DB.prepare("select count(*) as n from imports where tenant_id = ? and state in ('pending', 'associated')").bind(tenantId).first<number>("n");
        if (!unsettled) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      // Every Record there is: of B's workspace, only B's.
      const rules = { match: "all", rules: [{ property: "created_at", operator: "exists" }] };
      const preview = (await api("POST", "/groups/preview", { as, body: { rules } })).body;
      expect(preview.count).toBe((await recordsOf(tenantId)).length);
      expect(JSON.stringify(preview)).not.toContain(aIds.recordId);
      const own = await api("POST", "/groups", { as, body: { name: unique("B everyone"), type: "calculated", rules } });
      await waitForRun(as, own.body.run.id);
      const members = (await api("GET", `/groups/${own.body.group.id}/members?limit=200`, { as })).body.members.map((m: { recordId: string }) => m.recordId).sort();
      expect(members).toEqual(await recordsOf(tenantId));
      expect((await api("GET", `/groups/${own.body.group.id}/explain/${aIds.recordId}`, { as })).status).toBe(404);
      // A's Properties are not B's: a rule naming one is an unknown Property.
      const foreign = await api("POST", "/groups/preview", { as, body: { rules: { match: "all", rules: [{ property: "first_name", operator: "exists" }] } } });
      expect(foreign.status).toBe(400);
    }
  });

  it("A still sees all of its own objects afterwards", async () => {
    expect((await api("GET", `/groups/${aIds.calculatedGroupId}/members`, { as: a.owner })).body.members.map((m: { recordId: string }) => m.recordId)).toEqual([aIds.recordId]);
    expect((await api("GET", `/groups/${aIds.groupId}/members`, { as: a.owner })).body.members.map((m: { recordId: string }) => m.recordId)).toEqual([aIds.recordId]);
    expect((await api("GET", `/schedules/${aIds.scheduleId}`, { as: a.owner })).body.schedule.name).toBe("A's schedule");
    expect((await api("GET", `/runs/${aIds.runId}`, { as: a.owner })).body.run.state).toBe("complete");
    expect((await api("GET", `/records/${aIds.recordId}`, { as: a.owner })).body.record.identities).toEqual([{ key: "email", value: "a-record@example.com" }]);
    expect((await api("GET", `/apps/${aIds.appId}`, { as: a.owner })).body.app.name).toBe("A's sample");
    expect((await api("GET", `/sources/${aIds.sourceId}`, { as: a.owner })).body.source.name).toBe("A's users");
    expect((await api("GET", `/properties/${aIds.propertyId}`, { as: a.owner })).body.property.key).toBe("first_name");
    expect((await api("GET", `/files/${aIds.fileId}`, { as: a.owner })).body.file.name).toBe("a-customers.csv");
    expect((await api("GET", `/destinations/${aIds.destinationId}`, { as: a.owner })).body.destination).toMatchObject({ name: "A's outbox", groupId: aIds.groupId });
    expect((await api("GET", `/exports/${aIds.exportId}`, { as: a.owner })).body.export).toMatchObject({ state: "failed", error: "A refused" });
    const members = await api("GET", "/members", { as: a.owner });
    expect(members.body.members.map((m: { id: string }) => m.id)).toContain(aIds.memberId);
    const keys = await api("GET", "/api-keys", { as: a.owner });
    expect(keys.body.apiKeys.find((k: { id: string }) => k.id === aIds.apiKeyId).revokedAt).toBeNull();
    const invitations = await api("GET", "/invitations", { as: a.owner });
    expect(invitations.body.invitations.find((i: { id: string }) => i.id === aIds.invitationId).status).toBe("pending");
  });
});
