import { and, desc, eq, inArray, sql } from "drizzle-orm";
import type { DestinationFields } from "../../plugins/contract";
import type { Actor } from "../context";
import { isUniqueViolation } from "../db/client";
import { destinations, exports, type Destination } from "../db/destinations-schema";
import { groups, properties, runs, type Group, type Property } from "../db/schema";
import type { TenantScope } from "../db/tenant-scope";
import type { Env } from "../env";
import { ApiError, notFound } from "../errors";
import { newId } from "../ids";
import { checkGroupLists, checkMapping, type GroupListInput, type MappingInput } from "../destinations/mapping";
import { destinationRuntime } from "../destinations/runtime";
import { startDestinationSync } from "../destinations/sync-run";
import { EXPORT_STATES, type ExportState, type SyncMode } from "../destinations/types";
import { parseWith } from "../validation";
import { findApp } from "./apps";
import { auditEntry } from "./audit-log";
import { findGroup } from "./groups";
import { publicRun } from "./runs";

type Options = Record<string, unknown>;

export interface DestinationInput {
  appId: string;
  name: string;
  type: string;
  options: Options;
  groupId: string | null;
  syncMode: SyncMode;
  mapping: MappingInput[];
  groupLists: GroupListInput[];
  sendRecords: boolean;
  eventNames: string[];
}

export type DestinationChanges = Partial<Omit<DestinationInput, "appId" | "type">>;

export function publicDestination(d: Destination, props: readonly Property[], exportCounts?: Record<ExportState, number>) {
  const keyOf = new Map(props.map((p) => [p.id, p.key]));
  return {
    id: d.id,
    appId: d.appId,
    name: d.name,
    type: d.type,
    options: d.options,
    groupId: d.groupId,
    syncMode: d.syncMode,
    mapping: d.mapping.map((m) => ({ remote: m.remote, property: keyOf.get(m.propertyId) ?? null, propertyId: m.propertyId, arrays: m.arrays })),
    groupLists: d.groupLists,
    sendRecords: d.sendRecords,
    eventNames: d.eventNames,
    configVersion: d.configVersion,
    ...(exportCounts ? { exports: exportCounts } : {}),
    createdAt: d.createdAt,
    updatedAt: d.updatedAt,
  };
}

export async function findDestination(scope: TenantScope, destinationId: string): Promise<Destination> {
  const destination = await scope.findOne(destinations, eq(destinations.id, destinationId));
  if (!destination) throw notFound("Destination");
  return destination;
}

export async function listDestinations(scope: TenantScope) {
  const [rows, props] = await Promise.all([scope.select(destinations).orderBy(desc(destinations.createdAt), desc(destinations.id)), scope.select(properties)]);
  const counts = await exportCountsOf(scope, rows.map((d) => d.id));
  return rows.map((d) => publicDestination(d, props, counts.get(d.id)));
}

/** How many of each Destination's Exports are in each state, every state named. */
async function exportCountsOf(scope: TenantScope, destinationIds: string[]): Promise<Map<string, Record<ExportState, number>>> {
  const empty = () => Object.fromEntries(EXPORT_STATES.map((s) => [s, 0])) as Record<ExportState, number>;
  const counts = new Map(destinationIds.map((id) => [id, empty()]));
  if (!destinationIds.length) return counts;
  const rows = await scope.db
    .select({ destinationId: exports.destinationId, state: exports.state, n: sql<number>`count(*)` })
    .from(exports)
    .where(and(eq(exports.tenantId, scope.tenantId), inArray(exports.destinationId, destinationIds)))
    .groupBy(exports.destinationId, exports.state);
  for (const r of rows) counts.get(r.destinationId)![r.state] = r.n;
  return counts;
}

/** One Destination with its Export counts and its latest sync Run, so a page can follow a sync as it walks. */
export async function describeDestination(scope: TenantScope, destination: Destination) {
  const [props, counts, [latestSync]] = await Promise.all([
    scope.select(properties),
    exportCountsOf(scope, [destination.id]),
    scope.select(runs, eq(runs.destinationId, destination.id)).orderBy(desc(runs.createdAt)).limit(1),
  ]);
  return { ...publicDestination(destination, props, counts.get(destination.id)), latestSync: latestSync ? publicRun(latestSync) : null };
}

/** The Groups a definition names, each checked to exist in the workspace. */
async function namedGroups(scope: TenantScope, groupId: string | null, lists: GroupListInput[]) {
  if (groupId) await findGroup(scope, groupId).catch(() => Promise.reject(new ApiError("invalid_request", "Invalid groupId: no such Group", [{ path: "groupId", message: "no such Group" }])));
  const ids = [...new Set(lists.map((l) => l.groupId))];
  const rows: Group[] = ids.length ? await scope.select(groups, inArray(groups.id, ids)) : [];
  return new Map(rows.map((g) => [g.id, g]));
}

/** Checks a whole definition against the plugin (options, fields) and the workspace (Properties, Groups). */
async function checkedDefinition(scope: TenantScope, env: Env, appId: string, type: string, input: Omit<DestinationInput, "appId" | "type" | "name">) {
  const app = await findApp(scope, appId);
  const draft = await destinationRuntime(env, app, { type, options: {} });
  const options = parseWith(draft.destinationType.optionsSchema, input.options, `${draft.destinationType.displayName} options`) as Options;
  const runtime = await destinationRuntime(env, app, { type, options });
  const [offered, props, groupsById] = await Promise.all([runtime.checkedFields(), scope.select(properties), namedGroups(scope, input.groupId, input.groupLists)]);
  return {
    options,
    mapping: checkMapping(input.mapping, offered, props),
    groupLists: checkGroupLists(input.groupLists, offered, groupsById),
    eventNames: checkEventNames(input, Boolean(runtime.destinationType.sendEvents), runtime.destinationType.displayName),
  };
}

/** Events go only where the plugin can forward them, and a Destination that syncs no Records must forward something. */
function checkEventNames(input: Pick<DestinationInput, "sendRecords" | "eventNames">, forwards: boolean, typeName: string): string[] {
  const refuse = (path: string, message: string) => new ApiError("invalid_request", `Invalid ${path}: ${message}`, [{ path, message }]);
  if (input.eventNames.length && !forwards) throw refuse("eventNames", `${typeName} Destinations cannot receive events`);
  if (!input.sendRecords && !input.eventNames.length) throw refuse("eventNames", "a Destination that does not sync Records must forward at least one event name");
  return [...new Set(input.eventNames)];
}

function refuseTakenName(err: unknown, name: string): never {
  if (isUniqueViolation(err)) throw new ApiError("conflict", `A Destination named "${name}" already exists`, { field: "name" });
  throw err;
}

export async function createDestination(scope: TenantScope, env: Env, actor: Actor, requestId: string, input: DestinationInput) {
  const checked = await checkedDefinition(scope, env, input.appId, input.type, input);
  const now = new Date();
  const destination: Destination = {
    id: newId("dst"),
    tenantId: scope.tenantId,
    appId: input.appId,
    name: input.name,
    type: input.type,
    options: checked.options,
    groupId: input.groupId,
    syncMode: input.syncMode,
    mapping: checked.mapping,
    groupLists: checked.groupLists,
    sendRecords: input.sendRecords,
    eventNames: checked.eventNames,
    configVersion: 1,
    createdAt: now,
    updatedAt: now,
  };
  await scope.db
    .batch([
      scope.insert(destinations, destination),
      auditEntry(scope, actor, requestId, { action: "destination.create", targetType: "destination", targetId: destination.id, after: { name: input.name, type: input.type, groupId: input.groupId, syncMode: input.syncMode, sendRecords: input.sendRecords, eventNames: checked.eventNames } }),
    ])
    .catch((err) => refuseTakenName(err, input.name));
  // A Destination that only receives events has no Records to bring in line.
  const run = destination.sendRecords ? await startDestinationSync(scope, env, destination.id) : null;
  return { destination, run };
}

/** What a Destination's Records depend on: a change to any of these is a new configuration version. */
const configOf = (d: Pick<Destination, "options" | "groupId" | "syncMode" | "mapping" | "groupLists" | "sendRecords">) =>
  JSON.stringify([d.options, d.groupId, d.syncMode, d.mapping, d.groupLists, d.sendRecords]);

export async function updateDestination(scope: TenantScope, env: Env, actor: Actor, requestId: string, destinationId: string, changes: DestinationChanges) {
  const before = await findDestination(scope, destinationId);
  const props = await scope.select(properties);
  const keyOf = new Map(props.map((p) => [p.id, p.key]));
  const merged = {
    options: changes.options ?? before.options,
    groupId: changes.groupId !== undefined ? changes.groupId : before.groupId,
    syncMode: changes.syncMode ?? before.syncMode,
    mapping: changes.mapping ?? before.mapping.map((m) => ({ remote: m.remote, property: keyOf.get(m.propertyId) ?? m.propertyId })),
    groupLists: changes.groupLists ?? before.groupLists,
    sendRecords: changes.sendRecords ?? before.sendRecords,
    eventNames: changes.eventNames ?? before.eventNames,
  };
  const checked = await checkedDefinition(scope, env, before.appId, before.type, merged);
  const after: Destination = { ...before, ...merged, ...checked, name: changes.name ?? before.name, updatedAt: new Date() };
  if (configOf(after) !== configOf(before)) after.configVersion = before.configVersion + 1;
  await scope.db
    .batch([
      scope.update(
        destinations,
        {
          name: after.name,
          options: after.options,
          groupId: after.groupId,
          syncMode: after.syncMode,
          mapping: after.mapping,
          groupLists: after.groupLists,
          sendRecords: after.sendRecords,
          eventNames: after.eventNames,
          configVersion: after.configVersion,
          updatedAt: after.updatedAt,
        },
        eq(destinations.id, destinationId),
      ),
      auditEntry(scope, actor, requestId, {
        action: "destination.update",
        targetType: "destination",
        targetId: destinationId,
        before: { name: before.name, groupId: before.groupId, syncMode: before.syncMode, sendRecords: before.sendRecords, eventNames: before.eventNames, configVersion: before.configVersion },
        after: { name: after.name, groupId: after.groupId, syncMode: after.syncMode, sendRecords: after.sendRecords, eventNames: after.eventNames, configVersion: after.configVersion },
      }),
    ])
    .catch((err) => refuseTakenName(err, after.name));
  // A new definition may change what every Record should be there: they are walked again.
  const run = after.configVersion !== before.configVersion && after.sendRecords ? await startDestinationSync(scope, env, destinationId) : null;
  return { destination: after, run };
}

/** Removes a Destination with its Exports and what it was sent; nothing more is sent to it. */
export async function deleteDestination(scope: TenantScope, actor: Actor, requestId: string, destinationId: string) {
  const destination = await findDestination(scope, destinationId);
  await scope.db.batch([
    scope.delete(destinations, eq(destinations.id, destinationId)),
    auditEntry(scope, actor, requestId, { action: "destination.delete", targetType: "destination", targetId: destinationId, before: { name: destination.name, type: destination.type } }),
  ]);
}

/** What a mapping may use: the Destination's fields and lists, and the workspace's Properties. */
export async function mappingOptions(scope: TenantScope, env: Env, destination: Pick<Destination, "appId" | "type" | "options">) {
  const app = await findApp(scope, destination.appId);
  const runtime = await destinationRuntime(env, app, destination);
  const [offered, props]: [DestinationFields, Property[]] = await Promise.all([runtime.fields(), scope.select(properties)]);
  return {
    ...offered,
    properties: props.map((p) => ({ key: p.key, type: p.type, array: p.isArray })),
  };
}
