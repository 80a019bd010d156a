import { and, eq, inArray } from "drizzle-orm";
import { recordProperties, type Property, type PropertyChange, type RecordProperty } from "../db/schema";
import type { TenantScope } from "../db/tenant-scope";
import { newId } from "../ids";
import { coerce } from "../properties/coerce";
import { runBatch } from "../db/client";

export interface AppliedValues {
  /** Keys of Properties whose stored values changed. */
  changed: string[];
  /** What each changed Property held before and holds now (invalid slots show as null). */
  changes: PropertyChange[];
  /** Values kept as invalid, with the reason, per Property key. */
  invalid: { key: string; value: string; reason: string }[];
}

type Slot = Pick<RecordProperty, "position" | "value" | "invalidValue" | "invalidReason">;

/** What a Property's raw values become when stored: one slot per value, coerced or kept invalid. */
function slotsFor(property: Property, raw: unknown[]): Slot[] {
  const values = property.isArray ? raw : raw.slice(0, 1);
  return values.map((value, position) => {
    const coerced = coerce(property.type, value);
    return coerced.ok
      ? { position, value: coerced.value, invalidValue: null, invalidReason: null }
      : { position, value: null, invalidValue: String(value), invalidReason: coerced.reason };
  });
}

const sameSlot = (a: Slot, b: Slot) => a.value === b.value && a.invalidValue === b.invalidValue && a.invalidReason === b.invalidReason;

const shown = (slots: Slot[]) => [...slots].sort((a, b) => a.position - b.position).map((s) => s.value);

/**
 * Stores a hydrated Record's values for the given Properties in one batch: unchanged values are
 * only confirmed, changed ones get a new value-changed time, positions an array no longer has are
 * removed. Applying the same values twice changes nothing the second time but the confirmation time.
 */
export async function applyRecordValues(
  scope: TenantScope,
  recordId: string,
  properties: Property[],
  values: Record<string, unknown[]>,
  now = new Date(),
): Promise<AppliedValues> {
  const { writes, ...applied } = await planRecordValues(scope, recordId, properties, values, now);
  await runBatch(scope.db, writes);
  return applied;
}

/** Like applyRecordValues, but returns the writes so a caller can batch them with its own. */
export async function planRecordValues(
  scope: TenantScope,
  recordId: string,
  properties: Property[],
  values: Record<string, unknown[]>,
  now = new Date(),
) {
  if (!properties.length) return { changed: [], changes: [], invalid: [], writes: [] };
  const stored = await scope.select(
    recordProperties,
    and(eq(recordProperties.recordId, recordId), inArray(recordProperties.propertyId, properties.map((p) => p.id)))!,
  );
  const writes = [];
  const changed: string[] = [];
  const changes: PropertyChange[] = [];
  const invalid: AppliedValues["invalid"] = [];
  for (const property of properties) {
    const next = slotsFor(property, values[property.key] ?? []);
    const before = stored.filter((s) => s.propertyId === property.id);
    for (const slot of next) if (slot.invalidReason) invalid.push({ key: property.key, value: slot.invalidValue!, reason: slot.invalidReason });

    const differs = next.length !== before.length || next.some((slot) => !before.some((b) => b.position === slot.position && sameSlot(b, slot)));
    if (differs) {
      changed.push(property.key);
      changes.push({ key: property.key, before: shown(before), after: shown(next) });
    }
    for (const slot of next) {
      const old = before.find((b) => b.position === slot.position);
      const slotChanged = !old || !sameSlot(old, slot);
      writes.push(
        scope
          .insert(recordProperties, {
            id: old?.id ?? newId("rpv"),
            recordId,
            propertyId: property.id,
            ...slot,
            state: "ready",
            valueChangedAt: slotChanged ? now : (old!.valueChangedAt ?? now),
            confirmedAt: now,
            updatedAt: now,
          })
          .onConflictDoUpdate({
            target: [recordProperties.recordId, recordProperties.propertyId, recordProperties.position],
            set: { ...slot, state: "ready", valueChangedAt: slotChanged ? now : (old!.valueChangedAt ?? now), confirmedAt: now, updatedAt: now },
          }),
      );
    }
    const gone = before.filter((b) => b.position >= next.length).map((b) => b.id);
    if (gone.length) writes.push(scope.delete(recordProperties, inArray(recordProperties.id, gone)));
  }
  return { changed, changes, invalid, writes };
}
