import { and, eq, inArray, or } from "drizzle-orm";
import { prepared } from "../db/client";
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
export const identitiesOf = (scope: TenantScope, recordIds: string[]) => scope.select(recordIdentities, inArray(recordIdentities.recordId, recordIds));
