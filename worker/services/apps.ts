import { desc, eq } from "drizzle-orm";
import type { AppType, TestResult } from "../../plugins/contract";
import type { Actor } from "../context";
import { appSecretBox } from "../crypto/app-secrets";
import { destinations } from "../db/destinations-schema";
import { apps, sources, type App } from "../db/schema";
import type { TenantScope } from "../db/tenant-scope";
import type { Env } from "../env";
import { ApiError, notFound } from "../errors";
import { tenantFileStore } from "../files/file-store";
import { tenantEventStore } from "../events/store";
import { newId } from "../ids";
import { findAppType, secretKeys } from "../plugins/registry";
import { runPlugin } from "../plugins/run";
import { parseWith } from "../validation";
import { auditEntry } from "./audit-log";

/** What the API shows in place of a secret that is set. Sending it back on update keeps the secret. */
export const SECRET_MASK = "********";

type Options = Record<string, unknown>;

function splitOptions(appType: AppType, options: Options) {
  const secret = new Set(secretKeys(appType.options));
  const plain: Options = {};
  const secrets: Options = {};
  for (const [key, value] of Object.entries(options)) (secret.has(key) ? secrets : plain)[key] = value;
  return { plain, secrets };
}

/** Checks options with the App type's own schema, naming the option at fault. */
function validateOptions(appType: AppType, options: Options) {
  return parseWith(appType.optionsSchema, options, `${appType.displayName} options`) as Options;
}

export function publicApp(app: App) {
  const { appType } = findAppType(app.plugin, app.type);
  const masked: Options = { ...app.options };
  if (app.sealedSecrets) for (const key of secretKeys(appType.options)) masked[key] = SECRET_MASK;
  return {
    id: app.id,
    name: app.name,
    plugin: app.plugin,
    type: app.type,
    options: masked,
    lastTest: app.lastTestAt ? { at: app.lastTestAt, ok: app.lastTestOk, message: app.lastTestMessage } : null,
    createdAt: app.createdAt,
    updatedAt: app.updatedAt,
  };
}

async function sealSecrets(env: Env, tenantId: string, secrets: Options): Promise<string | null> {
  if (!Object.keys(secrets).length) return null;
  return (await appSecretBox(env)).seal(JSON.stringify(secrets), tenantId);
}

/** Whether the workspace lets plugins reach private and loopback addresses. */
export async function allowsPrivateNetwork(db: D1Database, tenantId: string): Promise<boolean> {
  const row = await db.prepare("select allow_private_destinations as allowed from tenants where id = ?").bind(tenantId).first<{ allowed: number }>();
  return Boolean(row?.allowed);
}

/** The App's complete options, secrets included, for handing to its plugin. Never leaves the Worker. */
export async function appOptions(env: Env, app: App): Promise<Options> {
  if (!app.sealedSecrets) return app.options;
  const secrets = JSON.parse(await (await appSecretBox(env)).open(app.sealedSecrets, app.tenantId)) as Options;
  return { ...app.options, ...secrets };
}

export async function findApp(scope: TenantScope, appId: string): Promise<App> {
  const app = await scope.findOne(apps, eq(apps.id, appId));
  if (!app) throw notFound("App");
  return app;
}

export const listApps = (scope: TenantScope) => scope.select(apps).orderBy(desc(apps.createdAt));

export async function createApp(
  scope: TenantScope,
  env: Env,
  actor: Actor,
  requestId: string,
  input: { name: string; plugin: string; type: string; options: Options },
) {
  const { appType } = findAppType(input.plugin, input.type);
  const options = validateOptions(appType, input.options);
  const { plain, secrets } = splitOptions(appType, options);
  const now = new Date();
  const app: App = {
    id: newId("app"),
    tenantId: scope.tenantId,
    name: input.name,
    plugin: input.plugin,
    type: input.type,
    options: plain,
    sealedSecrets: await sealSecrets(env, scope.tenantId, secrets),
    lastTestAt: null,
    lastTestOk: null,
    lastTestMessage: null,
    createdAt: now,
    updatedAt: now,
  };
  const shown = publicApp(app);
  await scope.db.batch([
    scope.insert(apps, app),
    auditEntry(scope, actor, requestId, { action: "app.create", targetType: "app", targetId: app.id, after: { name: app.name, plugin: app.plugin, type: app.type, options: shown.options } }),
  ]);
  return app;
}

export async function updateApp(scope: TenantScope, env: Env, actor: Actor, requestId: string, appId: string, input: { name?: string; options?: Options }) {
  const before = await findApp(scope, appId);
  const { appType } = findAppType(before.plugin, before.type);
  let plain = before.options;
  let sealedSecrets = before.sealedSecrets;
  if (input.options) {
    const current = await appOptions(env, before);
    // A secret sent back as the mask, or left out, keeps its stored value.
    const merged: Options = { ...input.options };
    for (const key of secretKeys(appType.options)) {
      if ((merged[key] === SECRET_MASK || !(key in merged)) && key in current) merged[key] = current[key];
    }
    const split = splitOptions(appType, validateOptions(appType, merged));
    plain = split.plain;
    sealedSecrets = await sealSecrets(env, scope.tenantId, split.secrets);
  }
  const after: App = { ...before, name: input.name ?? before.name, options: plain, sealedSecrets, updatedAt: new Date() };
  const [shownBefore, shownAfter] = [publicApp(before), publicApp(after)];
  await scope.db.batch([
    scope.update(apps, { name: after.name, options: after.options, sealedSecrets: after.sealedSecrets, updatedAt: after.updatedAt }, eq(apps.id, appId)),
    auditEntry(scope, actor, requestId, {
      action: "app.update",
      targetType: "app",
      targetId: appId,
      before: { name: shownBefore.name, options: shownBefore.options },
      after: { name: shownAfter.name, options: shownAfter.options },
    }),
  ]);
  return after;
}

export async function deleteApp(scope: TenantScope, actor: Actor, requestId: string, appId: string) {
  const app = await findApp(scope, appId);
  const dependents = await scope.select(sources, eq(sources.appId, appId)).limit(50);
  if (dependents.length) {
    throw new ApiError("conflict", `The App still has Sources: ${dependents.map((s) => s.name).join(", ")}; delete them first`, {
      sources: dependents.map((s) => s.id),
    });
  }
  const writers = await scope.select(destinations, eq(destinations.appId, appId)).limit(50);
  if (writers.length) {
    throw new ApiError("conflict", `The App still has Destinations: ${writers.map((d) => d.name).join(", ")}; delete them first`, { destinations: writers.map((d) => d.id) });
  }
  await scope.db.batch([
    scope.delete(apps, eq(apps.id, appId)),
    auditEntry(scope, actor, requestId, { action: "app.delete", targetType: "app", targetId: appId, before: { name: app.name, plugin: app.plugin, type: app.type } }),
  ]);
}

async function runTest(env: Env, tenantId: string, appType: AppType, options: Options): Promise<TestResult & { durationMs: number }> {
  const started = Date.now();
  let result: TestResult;
  try {
    const allowPrivateNetwork = await allowsPrivateNetwork(env.DB, tenantId);
    result = await runPlugin(`Connection test`, { tenantId, files: tenantFileStore(env.FILES, tenantId), events: tenantEventStore(env.DB, tenantId), allowPrivateNetwork }, (ctx) => appType.test(options, ctx));
  } catch (err) {
    // A test reports failure as its answer; it does not fail the request.
    if (err instanceof ApiError && err.code === "plugin_error") result = { ok: false, error: err.message };
    else throw err;
  }
  return { ...result, durationMs: Date.now() - started };
}

/** Tests a saved App and remembers the outcome, so the App list shows which connections work. */
export async function testApp(scope: TenantScope, env: Env, appId: string) {
  const app = await findApp(scope, appId);
  const { appType } = findAppType(app.plugin, app.type);
  const result = await runTest(env, scope.tenantId, appType, await appOptions(env, app));
  await scope.update(
    apps,
    { lastTestAt: new Date(), lastTestOk: result.ok, lastTestMessage: result.ok ? result.message : result.error },
    eq(apps.id, appId),
  );
  return result;
}

/** Tests options before they are saved (the "Test connection" button on a new App's form). */
export async function testAppOptions(env: Env, tenantId: string, input: { plugin: string; type: string; options: Options }) {
  const { appType } = findAppType(input.plugin, input.type);
  return runTest(env, tenantId, appType, validateOptions(appType, input.options));
}
