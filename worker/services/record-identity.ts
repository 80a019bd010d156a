import { and, eq, inArray, or } from "drizzle-orm";
import { chunk } from "../db/chunk";
import { prepared, runBatch } from "../db/client";
import { recordIdentities, records } from "../db/schema";
import type { TenantScope } from "../db/tenant-scope";
import { newId } from "../ids";

/** One unique Property value that identifies a person, already coerced to its canonical text. */
export interface IdentityValue {
  propertyId: string;
  value: string;
}

export type Resolution = { kind: "found" | "created"; recordId: string };

export type Outcome =
  | Resolution
  /** No Record has these values and the caller may not create one (an enrich-only Source). */
  | { kind: "unknown" }
  /** The values belong to several Records: they are one person and must be merged. */
  | { kind: "ambiguous"; recordIds: string[] };

async function recordsHolding(scope: TenantScope, values: IdentityValue[]) {
  const rows = await scope.select(
    recordIdentities,
    or(...values.map((v) => and(eq(recordIdentities.propertyId, v.propertyId), eq(recordIdentities.value, v.value))))!,
  );
  return rows;
}

/** Attaches values to a Record; a value another Record already holds is left to the merge step. */
async function attach(scope: TenantScope, recordId: string, values: IdentityValue[]) {
  if (!values.length) return;
  await scope.insert(recordIdentities, values.map((v) => ({ ...v, recordId }))).onConflictDoNothing();
}

/**
 * Claims a new Record for the first value in one D1 batch (one transaction, and D1 runs batches one
 * at a time): insert the Record, insert its identity unless the value is taken, drop the Record again
 * if it lost, and read back who holds the value. Two callers racing for one new person both get the
 * winner's id, and only one Record ever exists.
 */
async function claim(scope: TenantScope, value: IdentityValue): Promise<Resolution> {
  const candidate = newId("rec");
  const now = new Date();
  const d1 = scope.db.$client;
  const [, , , holder] = await d1.batch([
    prepared(scope.db, scope.insert(records, { id: candidate, createdAt: now, updatedAt: now })),
    prepared(scope.db, scope.insert(recordIdentities, { ...value, recordId: candidate }).onConflictDoNothing()),
    d1
      .prepare("delete from records where id = ? and tenant_id = ? and not exists (select 1 from record_identities where record_id = ?)")
      .bind(candidate, scope.tenantId, candidate),
    d1
      .prepare("select record_id from record_identities where tenant_id = ? and property_id = ? and value = ?")
      .bind(scope.tenantId, value.propertyId, value.value),
  ]);
  const winner = (holder!.results[0] as { record_id: string }).record_id;
  return winner === candidate ? { kind: "created", recordId: winner } : { kind: "found", recordId: winner };
}

/**
 * Finds the one Record that a set of unique values identifies, creating it when none does and
 * `create` allows. Values the Record does not hold yet are attached to it.
 */
export async function resolveRecord(scope: TenantScope, values: IdentityValue[], options: { create: boolean }): Promise<Outcome> {
  if (!values.length) return { kind: "unknown" };
  const held = await recordsHolding(scope, values);
  const owners = [...new Set(held.map((h) => h.recordId))];
  if (owners.length > 1) return { kind: "ambiguous", recordIds: owners };

  if (!owners.length && !options.create) return { kind: "unknown" };
  // Claiming in a fixed order makes concurrent Imports carrying the same values race for the same row.
  const ordered = [...values].sort((a, b) => a.propertyId.localeCompare(b.propertyId) || a.value.localeCompare(b.value));
  const resolution: Resolution = owners.length ? { kind: "found", recordId: owners[0]! } : await claim(scope, ordered[0]!);
  const heldKeys = new Set(held.map((h) => `${h.propertyId}\u0000${h.value}`));
  await attach(scope, resolution.recordId, ordered.filter((v) => !heldKeys.has(`${v.propertyId}\u0000${v.value}`)));
  return resolution;
}

/** The identity values a Record holds, e.g. to show on its page or to key Source reads. */
export const identitiesOf = (scope: TenantScope, recordIds: string[]) => scope.selectNamed(recordIdentities, inArray(recordIdentities.recordId, recordIds));

export interface ResolveRequest {
  /** The caller's name for this request (e.g. an Import id). */
  key: string;
  values: IdentityValue[];
  create: boolean;
}

const valueKey = (v: IdentityValue) => `${v.propertyId}\u0000${v.value}`;

/** Who holds each of these values now, in a few chunked reads. */
async function holders(scope: TenantScope, values: IdentityValue[]) {
  const held = new Map<string, string>();
  const byProperty = new Map<string, string[]>();
  for (const v of values) byProperty.set(v.propertyId, [...(byProperty.get(v.propertyId) ?? []), v.value]);
  const reads = [...byProperty].flatMap(([propertyId, list]) =>
    chunk([...new Set(list)], 90).map((part) => scope.select(recordIdentities, and(eq(recordIdentities.propertyId, propertyId), inArray(recordIdentities.value, part))!)),
  );
  for (const rows of await Promise.all(reads)) for (const row of rows) held.set(valueKey(row), row.recordId);
  return held;
}

/**
 * resolveRecord for a whole batch, with a handful of D1 round trips instead of several per request:
 * one read of who holds what, one batch of claims for new people (requests sharing a value share a
 * claim), one batch attaching the rest of the values, and one read to check nobody else took a value
 * meanwhile. Requests that turn out to span several Records, or lose such a race, go through
 * resolveRecord one at a time, which merges.
 */
export async function resolveRecords(scope: TenantScope, requests: ResolveRequest[]): Promise<Map<string, Outcome>> {
  const outcomes = new Map<string, Outcome>();
  const held = await holders(scope, requests.flatMap((r) => r.values));
  const oneByOne: ResolveRequest[] = [];
  const claims = new Map<string, IdentityValue>();
  const pending: { request: ResolveRequest; claimKey: string | null; owner: string | null }[] = [];

  for (const request of requests) {
    if (!request.values.length) {
      outcomes.set(request.key, { kind: "unknown" });
      continue;
    }
    const owners = [...new Set(request.values.flatMap((v) => (held.has(valueKey(v)) ? [held.get(valueKey(v))!] : [])))];
    if (owners.length > 1) oneByOne.push(request);
    else if (owners.length === 1) pending.push({ request, claimKey: null, owner: owners[0]! });
    else if (!request.create) outcomes.set(request.key, { kind: "unknown" });
    else {
      const first = [...request.values].sort((a, b) => a.propertyId.localeCompare(b.propertyId) || a.value.localeCompare(b.value))[0]!;
      claims.set(valueKey(first), first);
      pending.push({ request, claimKey: valueKey(first), owner: null });
    }
  }

  const claimed = await claimAll(scope, [...claims.values()]);
  const created = new Set<string>();
  for (const entry of pending) {
    if (entry.claimKey) {
      const claim = claimed.get(entry.claimKey)!;
      entry.owner = claim.recordId;
      // Several requests may share one new Record; only the first counts as having created it.
      if (claim.kind === "created" && !created.has(claim.recordId)) {
        created.add(claim.recordId);
        outcomes.set(entry.request.key, { kind: "created", recordId: claim.recordId });
        continue;
      }
    }
    outcomes.set(entry.request.key, { kind: "found", recordId: entry.owner! });
  }

  const attach = pending.flatMap((e) => e.request.values.filter((v) => !held.has(valueKey(v))).map((v) => ({ ...v, recordId: e.owner! })));
  const unique = [...new Map(attach.map((a) => [valueKey(a), a])).values()];
  if (unique.length) await runBatch(scope.db, chunk(unique, 20).map((part) => scope.insert(recordIdentities, part).onConflictDoNothing()));

  const now = await holders(scope, unique);
  for (const entry of pending) {
    const lost = entry.request.values.some((v) => now.has(valueKey(v)) && now.get(valueKey(v)) !== entry.owner);
    if (lost) oneByOne.push(entry.request);
  }
  for (const request of oneByOne) outcomes.set(request.key, await resolveRecord(scope, request.values, { create: request.create }));
  return outcomes;
}

/** Claims new Records for many values in one D1 batch; the same race-free statements as claim(). */
async function claimAll(scope: TenantScope, values: IdentityValue[]): Promise<Map<string, Resolution>> {
  const result = new Map<string, Resolution>();
  if (!values.length) return result;
  const d1 = scope.db.$client;
  const now = new Date();
  const candidates = values.map(() => newId("rec"));
  const statements = values.flatMap((value, i) => [
    prepared(scope.db, scope.insert(records, { id: candidates[i]!, createdAt: now, updatedAt: now })),
    prepared(scope.db, scope.insert(recordIdentities, { ...value, recordId: candidates[i]! }).onConflictDoNothing()),
    d1
      .prepare("delete from records where id = ? and tenant_id = ? and not exists (select 1 from record_identities where record_id = ?)")
      .bind(candidates[i]!, scope.tenantId, candidates[i]!),
    d1.prepare("select record_id from record_identities where tenant_id = ? and property_id = ? and value = ?").bind(scope.tenantId, value.propertyId, value.value),
  ]);
  const results = await d1.batch(statements);
  values.forEach((value, i) => {
    const winner = (results[i * 4 + 3]!.results[0] as { record_id: string }).record_id;
    result.set(valueKey(value), { kind: winner === candidates[i] ? "created" : "found", recordId: winner });
  });
  return result;
}
