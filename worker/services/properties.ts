import { asc, eq, inArray, sql } from "drizzle-orm";
import type { Aggregation, PropertyFilter } from "../../plugins/contract";
import type { Actor } from "../context";
import { isUniqueViolation } from "../db/client";
import { properties, recordProperties, sources, type Property } from "../db/schema";
import type { TenantScope } from "../db/tenant-scope";
import type { Env } from "../env";
import { ApiError, notFound } from "../errors";
import { newId } from "../ids";
import type { PropertyType } from "../properties/types";
import { groupsAllowingChange, groupsUsingProperty } from "../groups/calculated";
import { startRecalculation } from "../groups/recalculate";
import { auditEntry } from "./audit-log";
import { findSource, runtimeFor, sourceColumns } from "./sources";

export interface PropertyDefinition {
  key: string;
  type: PropertyType;
  unique: boolean;
  isArray: boolean;
  sourceId: string;
  column: string;
  aggregation: Aggregation;
  sortColumn: string | null;
  filters: PropertyFilter[];
}

/** The parts of a definition that change which value is read; changing any of them makes stored values stale. */
const READ_FIELDS = ["type", "unique", "isArray", "sourceId", "column", "aggregation", "sortColumn", "filters"] as const;

export function newPropertyRow(tenantId: string, def: PropertyDefinition): Property {
  const now = new Date();
  return { id: newId("prp"), tenantId, ...def, version: 1, createdAt: now, updatedAt: now };
}

export function publicProperty(p: Property) {
  return {
    id: p.id,
    key: p.key,
    type: p.type,
    unique: p.unique,
    array: p.isArray,
    sourceId: p.sourceId,
    column: p.column,
    aggregation: p.aggregation,
    sortColumn: p.sortColumn,
    filters: p.filters,
    version: p.version,
    createdAt: p.createdAt,
    updatedAt: p.updatedAt,
  };
}

/**
 * Queries that mark Properties' stored values stale: a new version, and every value back to
 * `pending`, which the import pipeline reads as "hydrate again".
 */
export function staleMarks(scope: TenantScope, stale: Property[]) {
  if (!stale.length) return [];
  const ids = stale.map((p) => p.id);
  return [
    scope.update(properties, { version: sql`${properties.version} + 1` as unknown as number, updatedAt: new Date() }, inArray(properties.id, ids)),
    scope.update(recordProperties, { state: "pending", updatedAt: new Date() }, inArray(recordProperties.propertyId, ids)),
  ];
}

/** Rules that hold whatever the Source: they keep every Property readable and its values meaningful. */
function assertCoherent(def: PropertyDefinition) {
  const fail = (field: string, message: string) => {
    throw new ApiError("invalid_request", message, { field });
  };
  if (def.unique && (def.aggregation !== "exact" || def.isArray)) fail("unique", "A unique Property holds one exact value per Record: use aggregation \"exact\" and no array");
  const ordered = def.aggregation === "most_recent" || def.aggregation === "least_recent";
  if (ordered && !def.sortColumn) fail("sortColumn", `Aggregation "${def.aggregation}" needs a sortColumn that orders the rows`);
  if (!ordered && def.sortColumn) fail("sortColumn", `Only most_recent and least_recent use a sortColumn`);
  if ((def.aggregation === "sum" || def.aggregation === "average") && def.type !== "integer" && def.type !== "float") {
    fail("type", `Aggregation "${def.aggregation}" gives a number: use type integer or float`);
  }
  if (def.aggregation === "count" && def.type !== "integer") fail("type", `Aggregation "count" gives a whole number: use type integer`);
  if (def.isArray && !(def.aggregation === "exact" || ordered)) fail("array", `Array Properties collect values: use "exact", "most_recent" or "least_recent"`);
}

/**
 * Every column the definition names must exist in the Source, checked against the live system.
 * A push Source's values arrive under Property keys, so a Property's own key is its one column.
 */
async function assertColumnsExist(scope: TenantScope, env: Env, def: PropertyDefinition) {
  const source = await findSource(scope, def.sourceId);
  const { runtime } = await runtimeFor(scope, env, source);
  const columns = new Set(runtime.sourceType.pushOnly ? [def.key] : (await sourceColumns(runtime)).map((c) => c.name));
  const named: [string, string][] = [
    ["column", def.column],
    ...(def.sortColumn ? [["sortColumn", def.sortColumn] as [string, string]] : []),
    ...def.filters.map((f, i) => [`filters.${i}.column`, f.column] as [string, string]),
  ];
  for (const [field, column] of named) {
    if (!columns.has(column)) {
      throw new ApiError("invalid_request", `Column "${column}" is not in Source "${source.name}"; it has ${[...columns].join(", ")}`, { field });
    }
  }
}

const keyTaken = (key: string) => new ApiError("conflict", `A Property with key "${key}" already exists`, { field: "key" });

export const listProperties = (scope: TenantScope) => scope.select(properties).orderBy(asc(properties.key));

export async function findProperty(scope: TenantScope, propertyId: string) {
  const property = await scope.findOne(properties, eq(properties.id, propertyId));
  if (!property) throw notFound("Property");
  return property;
}

export async function createProperty(scope: TenantScope, env: Env, actor: Actor, requestId: string, def: PropertyDefinition) {
  if (await scope.findOne(properties, eq(properties.key, def.key))) throw keyTaken(def.key);
  assertCoherent(def);
  await assertColumnsExist(scope, env, def);
  const property = newPropertyRow(scope.tenantId, def);
  try {
    await scope.db.batch([
      scope.insert(properties, property),
      auditEntry(scope, actor, requestId, { action: "property.create", targetType: "property", targetId: property.id, after: publicProperty(property) }),
    ]);
  } catch (err) {
    if (isUniqueViolation(err, "properties")) throw keyTaken(def.key);
    throw err;
  }
  return property;
}

/** Sources whose queries name this Property in a placeholder; renaming or deleting it would break them. */
async function placeholderUsers(scope: TenantScope, key: string) {
  const pattern = new RegExp(`\\{\\{\\s*${key}\\s*\\}\\}`);
  const all = await scope.select(sources);
  return all.filter((s) => typeof s.options.query === "string" && pattern.test(s.options.query));
}

export async function updateProperty(scope: TenantScope, env: Env, actor: Actor, requestId: string, propertyId: string, changes: Partial<PropertyDefinition>) {
  const before = await findProperty(scope, propertyId);
  const next: PropertyDefinition = { ...before, ...changes };
  if (next.key !== before.key) {
    if (await scope.findOne(properties, eq(properties.key, next.key))) throw keyTaken(next.key);
    const users = await placeholderUsers(scope, before.key);
    if (users.length) throw new ApiError("conflict", `Queries of ${users.map((s) => s.name).join(", ")} use {{ ${before.key} }}; change them first`);
  }
  const groupsToRecalculate = await groupsAllowingChange(scope, before, next, await scope.select(properties));
  const identifies = await scope.select(sources, eq(sources.identityPropertyId, propertyId));
  if (identifies.length && !next.unique) throw new ApiError("conflict", `Property "${before.key}" identifies ${identifies.map((s) => s.name).join(", ")} and must stay unique`);
  assertCoherent(next);
  const readChanged = READ_FIELDS.some((f) => JSON.stringify(next[f]) !== JSON.stringify(before[f]));
  if (readChanged) await assertColumnsExist(scope, env, next);
  const now = new Date();
  const { key, type, unique, isArray, sourceId, column, aggregation, sortColumn, filters } = next;
  const after: Property = { ...before, key, type, unique, isArray, sourceId, column, aggregation, sortColumn, filters, updatedAt: now };
  try {
    await scope.db.batch([
      scope.update(properties, { key, type, unique, isArray, sourceId, column, aggregation, sortColumn, filters, updatedAt: now }, eq(properties.id, propertyId)),
      ...(readChanged ? staleMarks(scope, [after]) : []),
      auditEntry(scope, actor, requestId, { action: "property.update", targetType: "property", targetId: propertyId, before: publicProperty(before), after: publicProperty(after) }),
    ]);
  } catch (err) {
    if (isUniqueViolation(err, "properties")) throw keyTaken(next.key);
    throw err;
  }
  if (readChanged) for (const group of groupsToRecalculate) await startRecalculation(scope, env, group.id, "property", now);
  return { ...after, version: readChanged ? before.version + 1 : before.version };
}

export async function deleteProperty(scope: TenantScope, actor: Actor, requestId: string, propertyId: string) {
  const property = await findProperty(scope, propertyId);
  const identifies = await scope.select(sources, eq(sources.identityPropertyId, propertyId));
  if (identifies.length) {
    throw new ApiError("conflict", `Property "${property.key}" identifies ${identifies.map((s) => s.name).join(", ")}; delete that Source instead`);
  }
  const users = await placeholderUsers(scope, property.key);
  if (users.length) throw new ApiError("conflict", `Queries of ${users.map((s) => s.name).join(", ")} use {{ ${property.key} }}; change them first`);
  const groupsUsing = await groupsUsingProperty(scope, property.key);
  if (groupsUsing.length) {
    throw new ApiError("conflict", `The rules of Group ${groupsUsing.map((g) => `"${g.name}"`).join(", ")} use Property "${property.key}"; change them first`, { groups: groupsUsing.map((g) => g.id) });
  }
  await scope.db.batch([
    scope.delete(properties, eq(properties.id, propertyId)),
    auditEntry(scope, actor, requestId, { action: "property.delete", targetType: "property", targetId: propertyId, before: publicProperty(property) }),
  ]);
}
