import { and, inArray } from "drizzle-orm";
import type { PropertyRead, RecordRef } from "../../plugins/contract";
import { chunk } from "../db/chunk";
import { recordProperties, type Property, type Source } from "../db/schema";
import type { TenantScope } from "../db/tenant-scope";
import type { Env } from "../env";
import { sourceRuntime } from "../services/source-runtime";
import type { Catalog } from "./catalog";

/** Record id → Property key → the values every readable Source holds for it now. */
export type SourceValues = Map<string, Record<string, unknown[]>>;

const readOf = (p: Property): PropertyRead => ({
  key: p.key,
  column: p.column,
  aggregation: p.aggregation,
  sortColumn: p.sortColumn ?? undefined,
  filters: p.filters,
  array: p.isArray,
});

/** The Property keys a Source needs to find a Record's rows: its identity Property or its query placeholders. */
function keysOf(source: Source, catalog: Catalog, runtimeKeys: string[] | null): string[] {
  if (runtimeKeys) return runtimeKeys;
  const identity = catalog.properties.find((p) => p.id === source.identityPropertyId);
  return identity ? [identity.key] : [];
}

/**
 * The identity values of some Records. Named index: without table statistics SQLite prefers the
 * primary key's (tenant, property, value) prefix and would read every identity of the workspace.
 */
async function identitiesOfRecords(scope: TenantScope, recordIds: string[]) {
  const marks = recordIds.map(() => "?").join(", ");
  const { results } = await scope.db.$client
    .prepare(`select record_id, property_id, value from record_identities indexed by record_identities_record_idx where tenant_id = ? and record_id in (${marks})`)
    .bind(scope.tenantId, ...recordIds)
    .all<{ record_id: string; property_id: string; value: string }>();
  return results;
}

/** The values Records hold now for the keys Sources look them up by: identities first, then stored values. */
async function currentKeyValues(scope: TenantScope, catalog: Catalog, recordIds: string[], keys: Set<string>) {
  const current = new Map<string, Record<string, string | null>>(recordIds.map((id) => [id, {}]));
  const wanted = catalog.properties.filter((p) => keys.has(p.key));
  if (!wanted.length) return current;
  const keyOf = new Map(wanted.map((p) => [p.id, p.key]));
  for (const ids of chunk(recordIds, 80)) {
    const [stored, identities] = await Promise.all([
      scope.select(recordProperties, and(inArray(recordProperties.recordId, ids), inArray(recordProperties.propertyId, [...keyOf.keys()]))!),
      identitiesOfRecords(scope, ids),
    ]);
    for (const row of stored) if (row.position === 0 && row.value !== null) current.get(row.recordId)![keyOf.get(row.propertyId)!] = row.value;
    for (const row of identities) if (keyOf.has(row.property_id)) current.get(row.record_id)![keyOf.get(row.property_id)!] = row.value;
  }
  return current;
}

/**
 * Reads every Property of every pullable Source for a batch of Records: one plugin call per Source
 * per batch. Sources keyed by an identity column go first, so Sources whose queries use other
 * Properties as placeholders see values read in the same batch.
 */
export async function readSources(env: Env, scope: TenantScope, catalog: Catalog, recordIds: string[], applied: Map<string, Record<string, unknown[]>>): Promise<SourceValues> {
  const values: SourceValues = new Map(recordIds.map((id) => [id, {}]));
  const readable = [...catalog.sources.values()]
    .filter((s) => !catalog.pushOnlySourceIds.has(s.id) && catalog.apps.has(s.appId))
    .map((source) => ({ source, properties: catalog.properties.filter((p) => p.sourceId === source.id) }))
    .filter((s) => s.properties.length);
  if (!readable.length) return values;

  const runtimes = await Promise.all(readable.map(({ source }) => sourceRuntime(env, catalog.apps.get(source.appId)!, source)));
  const plans = readable.map((entry, i) => {
    const runtime = runtimes[i]!;
    const byPlaceholder = runtime.sourceType.keyedBy === "placeholders";
    const keys = keysOf(entry.source, catalog, byPlaceholder ? (runtime.sourceType.placeholders?.(runtime.sourceOptions) ?? []) : null);
    return { ...entry, runtime, byPlaceholder, keys };
  });
  plans.sort((a, b) => Number(a.byPlaceholder) - Number(b.byPlaceholder));

  const current = await currentKeyValues(scope, catalog, recordIds, new Set(plans.flatMap((p) => p.keys)));
  for (const [recordId, sent] of applied) {
    for (const [key, list] of Object.entries(sent)) if (list.length && list[0] !== null && list[0] !== undefined) current.get(recordId)![key] = String(list[0]);
  }

  for (const plan of plans) {
    // A Source whose rows name their Record needs no key values; any other without them finds nothing.
    if (!plan.keys.length && plan.runtime.sourceType.keyedBy !== "record") continue;
    const refs: RecordRef[] = recordIds
      .map((recordId) => ({ recordId, values: Object.fromEntries(plan.keys.map((k) => [k, current.get(recordId)![k] ?? null])) }))
      .filter((ref) => plan.keys.every((k) => ref.values[k] !== null));
    const identity = catalog.properties.find((p) => p.id === plan.source.identityPropertyId);
    const found = refs.length
      ? await plan.runtime.recordProperties({
          identity: { column: plan.source.identityColumn ?? "", propertyKey: identity?.key ?? "", caseInsensitive: identity?.type === "email" },
          properties: plan.properties.map(readOf),
          records: refs,
        })
      : new Map<string, Record<string, unknown[]>>();
    for (const recordId of recordIds) {
      const read = found.get(recordId) ?? {};
      const target = values.get(recordId)!;
      for (const p of plan.properties) {
        target[p.key] = read[p.key] ?? [];
        const first = target[p.key]![0];
        if (first !== undefined && first !== null) current.get(recordId)![p.key] = String(first);
      }
    }
  }
  return values;
}
