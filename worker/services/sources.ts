import { desc, eq, inArray } from "drizzle-orm";
import type { Column, PreviewRequest, PropertyFilter } from "../../plugins/contract";
import type { Actor } from "../context";
import { properties, sources, type App, type Source } from "../db/schema";
import type { TenantScope } from "../db/tenant-scope";
import type { Env } from "../env";
import { ApiError, notFound } from "../errors";
import { newId } from "../ids";
import type { PropertyType } from "../properties/types";
import { parseWith } from "../validation";
import { findApp } from "./apps";
import { auditEntry } from "./audit-log";
import { newPropertyRow, staleMarks } from "./properties";
import { sourceRuntime, type SourceRuntime } from "./source-runtime";
import { runBatch } from "../db/client";

type Options = Record<string, unknown>;
export const PREVIEW_LIMIT = 10;

export interface IdentityInput {
  column: string;
  propertyKey: string;
  propertyType?: PropertyType;
}

/** Where a Source's signed webhook receives imports (mounted outside /api/v1, in app.ts). */
export const webhookPath = (sourceId: string) => `/hooks/sources/${sourceId}`;

export function publicSource(source: Source, identityKey: string | null) {
  return {
    id: source.id,
    appId: source.appId,
    name: source.name,
    type: source.type,
    options: source.options,
    role: source.role,
    filters: source.filters,
    identity: source.identityColumn ? { column: source.identityColumn, propertyId: source.identityPropertyId, propertyKey: identityKey } : null,
    webhook: { url: webhookPath(source.id), hasSecret: source.sealedWebhookSecret !== null },
    createdAt: source.createdAt,
    updatedAt: source.updatedAt,
  };
}

export async function findSource(scope: TenantScope, sourceId: string): Promise<Source> {
  const source = await scope.findOne(sources, eq(sources.id, sourceId));
  if (!source) throw notFound("Source");
  return source;
}

export async function listSources(scope: TenantScope) {
  const rows = await scope.select(sources).orderBy(desc(sources.createdAt));
  const keys = await identityKeys(scope, rows);
  return rows.map((s) => publicSource(s, keys.get(s.identityPropertyId ?? "") ?? null));
}

async function identityKeys(scope: TenantScope, rows: Source[]) {
  const ids = rows.map((s) => s.identityPropertyId).filter((id): id is string => Boolean(id));
  if (!ids.length) return new Map<string, string>();
  const props = await scope.select(properties, inArray(properties.id, ids));
  return new Map(props.map((p) => [p.id, p.key]));
}

export async function describeSource(scope: TenantScope, source: Source) {
  const keys = await identityKeys(scope, [source]);
  return publicSource(source, keys.get(source.identityPropertyId ?? "") ?? null);
}

export async function runtimeFor(scope: TenantScope, env: Env, source: Source): Promise<{ app: App; runtime: SourceRuntime }> {
  const app = await findApp(scope, source.appId);
  return { app, runtime: await sourceRuntime(env, app, source) };
}

export async function sourceColumns(runtime: SourceRuntime): Promise<Column[]> {
  return runtime.call("Reading the Source's columns", (ctx) => runtime.sourceType.columns(runtime.appOptions, runtime.sourceOptions, ctx));
}

export async function sourcePreview(runtime: SourceRuntime, request: PreviewRequest = { limit: PREVIEW_LIMIT }) {
  return runtime.preview(request);
}

/** Checks options against the Source type and the live system, so a wrong table or query fails now, with the system's own message. */
async function checkedRuntime(env: Env, app: App, type: string, rawOptions: Options, filters: PropertyFilter[]) {
  const draft = await sourceRuntime(env, app, { type, options: {} });
  const options = parseWith(draft.sourceType.optionsSchema, rawOptions, `${draft.sourceType.displayName} options`) as Options;
  const runtime = await sourceRuntime(env, app, { type, options, filters });
  await sourcePreview(runtime, { limit: 1 });
  return { runtime, options };
}

function assertFilterColumns(columns: Column[], filters: PropertyFilter[]) {
  filters.forEach((f, i) => assertColumn(columns, f.column, `filters.${i}.column`));
}

async function assertPlaceholdersExist(scope: TenantScope, runtime: SourceRuntime) {
  const keys = runtime.sourceType.placeholders?.(runtime.sourceOptions) ?? [];
  if (!keys.length) throw new ApiError("invalid_request", "The query needs at least one {{ property_key }} placeholder to tie its rows to a Record", { field: "options.query" });
  const known = new Set((await scope.select(properties, inArray(properties.key, keys))).map((p) => p.key));
  const missing = keys.filter((k) => !known.has(k));
  if (missing.length) {
    throw new ApiError("invalid_request", `The query names Properties that do not exist: ${missing.map((k) => `{{ ${k} }}`).join(", ")}`, { field: "options.query", missing });
  }
}

function assertColumn(columns: Column[], column: string, field: string) {
  if (!columns.some((c) => c.name === column)) {
    throw new ApiError("invalid_request", `Column "${column}" is not in the Source; it has ${columns.map((c) => c.name).join(", ")}`, { field });
  }
}

export async function createSource(
  scope: TenantScope,
  env: Env,
  actor: Actor,
  requestId: string,
  input: { appId: string; name: string; type: string; options: Options; role: "primary" | "enrich"; filters: PropertyFilter[]; identity?: IdentityInput },
) {
  const app = await findApp(scope, input.appId);
  const { runtime, options } = await checkedRuntime(env, app, input.type, input.options, input.filters);
  const columns = input.filters.length || input.identity ? await sourceColumns(runtime) : [];
  assertFilterColumns(columns, input.filters);
  const now = new Date();
  const source: Source = {
    id: newId("src"),
    tenantId: scope.tenantId,
    appId: app.id,
    name: input.name,
    type: input.type,
    options,
    role: input.role,
    identityColumn: null,
    identityPropertyId: null,
    filters: input.filters,
    sealedWebhookSecret: null,
    createdAt: now,
    updatedAt: now,
  };
  const writes = [];
  if (runtime.sourceType.keyedBy === "placeholders") {
    if (input.identity) throw new ApiError("invalid_request", "Query Sources are tied to Records by their placeholders, not an identity column", { field: "identity" });
    await assertPlaceholdersExist(scope, runtime);
    writes.push(scope.insert(sources, source));
  } else if (runtime.sourceType.keyedBy === "record") {
    if (input.identity) throw new ApiError("invalid_request", `${runtime.sourceType.displayName} Sources already name their Records; they take no identity column`, { field: "identity" });
    writes.push(scope.insert(sources, source));
  } else if (runtime.sourceType.pushOnly) {
    // A push Source has no columns: the imports sent to it carry its unique Properties' values.
    if (input.identity) throw new ApiError("invalid_request", "Push Sources have no identity column; give them a unique Property instead", { field: "identity" });
    writes.push(scope.insert(sources, source));
  } else {
    const identity = input.identity;
    if (!identity) throw new ApiError("invalid_request", "Choose the column that identifies a Record and the unique Property it maps to", { field: "identity" });
    assertColumn(columns, identity.column, "identity.column");
    const existing = await scope.findOne(properties, eq(properties.key, identity.propertyKey));
    if (existing && !existing.unique) {
      throw new ApiError("invalid_request", `Property "${identity.propertyKey}" is not unique, so it cannot identify Records`, { field: "identity.propertyKey" });
    }
    source.identityColumn = identity.column;
    const property = existing
      ? null
      : newPropertyRow(scope.tenantId, {
          key: identity.propertyKey,
          type: identity.propertyType ?? "string",
          unique: true,
          isArray: false,
          sourceId: source.id,
          column: identity.column,
          aggregation: "exact",
          sortColumn: null,
          filters: [],
        });
    source.identityPropertyId = existing?.id ?? property!.id;
    writes.push(scope.insert(sources, source));
    if (property) writes.push(scope.insert(properties, property));
  }
  writes.push(
    auditEntry(scope, actor, requestId, {
      action: "source.create",
      targetType: "source",
      targetId: source.id,
      after: { name: source.name, appId: source.appId, type: source.type, options, role: source.role, filters: source.filters, identity: input.identity ?? null },
    }),
  );
  await runBatch(scope.db, writes);
  return source;
}

export async function updateSource(
  scope: TenantScope,
  env: Env,
  actor: Actor,
  requestId: string,
  sourceId: string,
  input: { name?: string; options?: Options; role?: "primary" | "enrich"; filters?: PropertyFilter[] },
) {
  const before = await findSource(scope, sourceId);
  let options = before.options;
  const filters = input.filters ?? before.filters;
  const optionsChanged = input.options !== undefined && JSON.stringify(input.options) !== JSON.stringify(before.options);
  const filtersChanged = JSON.stringify(filters) !== JSON.stringify(before.filters);
  if (optionsChanged || filtersChanged) {
    const app = await findApp(scope, before.appId);
    const checked = await checkedRuntime(env, app, before.type, input.options ?? before.options, filters);
    if (checked.runtime.sourceType.keyedBy === "placeholders") await assertPlaceholdersExist(scope, checked.runtime);
    if (filtersChanged) assertFilterColumns(await sourceColumns(checked.runtime), filters);
    options = checked.options;
  }
  const after: Source = { ...before, name: input.name ?? before.name, role: input.role ?? before.role, options, filters, updatedAt: new Date() };
  const provided = optionsChanged || filtersChanged ? await scope.select(properties, eq(properties.sourceId, sourceId)) : [];
  await scope.db.batch([
    scope.update(sources, { name: after.name, role: after.role, options: after.options, filters: after.filters, updatedAt: after.updatedAt }, eq(sources.id, sourceId)),
    // New options or filters may select different rows: everything this Source provides must be read again.
    ...staleMarks(scope, provided),
    auditEntry(scope, actor, requestId, {
      action: "source.update",
      targetType: "source",
      targetId: sourceId,
      before: { name: before.name, role: before.role, options: before.options, filters: before.filters },
      after: { name: after.name, role: after.role, options: after.options, filters: after.filters },
    }),
  ]);
  return after;
}

export async function deleteSource(scope: TenantScope, actor: Actor, requestId: string, sourceId: string) {
  const source = await findSource(scope, sourceId);
  const provided = await scope.select(properties, eq(properties.sourceId, sourceId));
  const others = provided.filter((p) => p.id !== source.identityPropertyId);
  if (others.length) {
    throw new ApiError("conflict", `The Source still provides Properties: ${others.map((p) => p.key).join(", ")}; delete or move them first`, {
      properties: others.map((p) => p.key),
    });
  }
  // The identity Property this Source created goes with it, unless another Source is identified by it.
  const identity = provided.find((p) => p.id === source.identityPropertyId);
  if (identity) {
    const alsoIdentifies = await scope.select(sources, eq(sources.identityPropertyId, identity.id));
    if (alsoIdentifies.some((s) => s.id !== sourceId)) {
      throw new ApiError("conflict", `Property "${identity.key}" also identifies other Sources; give it another Source first`, { properties: [identity.key] });
    }
  }
  await scope.db.batch([
    scope.update(sources, { identityPropertyId: null }, eq(sources.id, sourceId)),
    ...(identity ? [scope.delete(properties, eq(properties.id, identity.id))] : []),
    scope.delete(sources, eq(sources.id, sourceId)),
    auditEntry(scope, actor, requestId, { action: "source.delete", targetType: "source", targetId: sourceId, before: { name: source.name, type: source.type, options: source.options } }),
  ]);
}

/** Preview and columns for options not yet saved: the Source form shows rows before anything is created. */
export async function draftPreview(
  scope: TenantScope,
  env: Env,
  input: { appId: string; type: string; options: Options; values?: Record<string, string>; filters?: PropertyFilter[] },
) {
  const app = await findApp(scope, input.appId);
  const draft = await sourceRuntime(env, app, { type: input.type, options: {} });
  const options = parseWith(draft.sourceType.optionsSchema, input.options, `${draft.sourceType.displayName} options`) as Options;
  const runtime = await sourceRuntime(env, app, { type: input.type, options, filters: input.filters });
  return sourcePreview(runtime, { limit: PREVIEW_LIMIT, values: input.values });
}

export async function optionChoices(scope: TenantScope, env: Env, input: { appId: string; type: string; options: Options; key: string }) {
  const app = await findApp(scope, input.appId);
  const runtime = await sourceRuntime(env, app, { type: input.type, options: input.options });
  const list = runtime.sourceType.optionChoices;
  if (!list || !runtime.sourceType.options.some((o) => o.key === input.key && o.dynamicChoices)) {
    throw new ApiError("invalid_request", `Option "${input.key}" has no choices to list`, { field: "key" });
  }
  return runtime.call(`Listing choices for ${input.key}`, (ctx) => list(runtime.appOptions, input.options, input.key, ctx));
}
