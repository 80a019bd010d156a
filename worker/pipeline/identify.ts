import { rowMatches } from "../../plugins/shared/aggregate";
import type { Import } from "../db/schema";
import type { TenantScope } from "../db/tenant-scope";
import type { Env } from "../env";
import { coerce } from "../properties/coerce";
import { resolveRecord, resolveRecords, type IdentityValue, type ResolveRequest } from "../services/record-identity";
import { mergeRecords } from "../services/record-merge";
import type { Catalog } from "./catalog";
import { classifyImportKeys } from "./import-keys";

/** What an Import says about its person: the values that identify them and the values it sets. */
export interface ImportReading {
  identity: IdentityValue[];
  /** Values of push-only Properties the Import sets, by Property key. */
  applied: Record<string, unknown[]>;
  /** Whether its origin may create a Record for a person not seen before. */
  mayCreate: boolean;
}

const asList = (value: unknown) => (Array.isArray(value) ? value : [value]);

function identityValue(propertyId: string, type: Parameters<typeof coerce>[0], raw: unknown): IdentityValue | null {
  const coerced = coerce(type, raw);
  return coerced.ok && coerced.value !== null ? { propertyId, value: coerced.value } : null;
}

/** Reads an Import: a Run row is identified by its Source's unique columns; an API or webhook Import by its unique keys. */
export function readImport(imp: Import, catalog: Catalog): ImportReading | { error: string } {
  const source = imp.sourceId ? catalog.sources.get(imp.sourceId) : undefined;
  if (imp.via === "run") {
    if (!source) return { error: "The Source of this import was deleted" };
    const identity = catalog.properties
      .filter((p) => p.sourceId === source.id && p.unique && p.column in imp.data && rowMatches(imp.data, p.filters))
      .map((p) => identityValue(p.id, p.type, imp.data[p.column]))
      .filter((v): v is IdentityValue => v !== null);
    return { identity, applied: {}, mayCreate: source.role === "primary" };
  }
  const keys = classifyImportKeys(imp.data, catalog.properties, catalog.pushOnlySourceIds);
  const identity = [...keys.applied, ...keys.identifying]
    .filter((p) => p.unique)
    .map((p) => identityValue(p.id, p.type, imp.data[p.key]))
    .filter((v): v is IdentityValue => v !== null);
  const applied = Object.fromEntries(keys.applied.map((p) => [p.key, asList(imp.data[p.key])]));
  const mayCreate = imp.via === "event" ? catalog.eventsCreateRecords : imp.via === "api" || source?.role === "primary";
  return { identity, applied, mayCreate };
}

export type Identified = { recordId: string } | { error: string };

const unknownPerson = (imp: Import) =>
  imp.via === "event"
    ? "No Record has these values, and this workspace's events do not create Records: the event waits unmatched until a Record with one of them appears"
    : "No Record has these values, and this Source only adds to Records that exist";

function uniqueKeys(catalog: Catalog) {
  return catalog.properties.filter((p) => p.unique).map((p) => p.key).join(", ") || "(none defined)";
}

/**
 * Finds (or creates) the Record of each Import of a batch at once. Two Imports of one new person in
 * the same batch land on the same Record; values that turn out to belong to several Records merge them.
 */
export async function identifyImports(
  env: Env,
  scope: TenantScope,
  catalog: Catalog,
  batch: Import[],
  readings: Map<string, ImportReading | { error: string }>,
  requestId: string,
): Promise<Map<string, Identified>> {
  const result = new Map<string, Identified>();
  const requests: ResolveRequest[] = [];
  for (const imp of batch) {
    const reading = readings.get(imp.id)!;
    // A refresh names its Record; a merge moves it to the survivor, a deletion clears it.
    if (imp.via === "refresh") result.set(imp.id, imp.recordId ? { recordId: imp.recordId } : { error: "The Record was deleted before its Sources were read again" });
    else if ("error" in reading) result.set(imp.id, reading);
    else if (!reading.identity.length) result.set(imp.id, { error: `The import has no valid value for a unique Property (${uniqueKeys(catalog)})` });
    else requests.push({ key: imp.id, values: reading.identity, create: reading.mayCreate });
  }
  const outcomes = await resolveRecords(scope, requests);
  for (const request of requests) {
    let outcome = outcomes.get(request.key)!;
    if (outcome.kind === "ambiguous") {
      await mergeRecords(env, scope, outcome.recordIds, requestId);
      outcome = await resolveRecord(scope, request.values, { create: request.create });
    }
    if (outcome.kind === "found" || outcome.kind === "created") result.set(request.key, { recordId: outcome.recordId });
    else if (outcome.kind === "unknown") result.set(request.key, { error: unknownPerson(batch.find((i) => i.id === request.key)!) });
    else result.set(request.key, { error: "These values belong to several Records that could not be merged" });
  }
  return result;
}
