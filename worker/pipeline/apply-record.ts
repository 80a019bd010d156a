import { and, eq, inArray } from "drizzle-orm";
import { chunk } from "../db/chunk";
import { createDb, prepared } from "../db/client";
import { imports, properties, recordChanges, records, type Property } from "../db/schema";
import { TenantScope } from "../db/tenant-scope";
import type { Env } from "../env";
import { newId } from "../ids";
import { incrementRunCounters } from "../runs/counters";
import { planRecordValues } from "../services/record-values";
import { RECORD_HOOKS } from "./record-hooks";

/** A finished result for one Record: its values for the listed Properties, and the Imports it settles. */
export interface RecordWork {
  tenantId: string;
  recordId: string;
  /** Property key → raw values. Every key present is stored; an empty list clears the Property. */
  values: Record<string, unknown[]>;
  importIds: string[];
  /** Runs whose counters this work counts into. */
  runIds: string[];
  /** Whether the Record was created for these Imports (counted as created, not updated). */
  created: boolean;
}

export interface RecordOutcome {
  outcome: "created" | "updated" | "unchanged" | "gone";
  changed: string[];
  invalid: number;
}

async function propertiesFor(scope: TenantScope, keys: string[]): Promise<Property[]> {
  const found = await Promise.all(chunk(keys, 90).map((part) => scope.select(properties, inArray(properties.key, part))));
  return found.flat();
}

/**
 * Stores one Record's values, its timeline entry, its Imports' new state and its Runs' counters in
 * one D1 batch, then runs the steps after hydration. Only a Record's object calls this, one at a time.
 */
export async function applyRecordWork(env: Env, work: RecordWork): Promise<RecordOutcome> {
  const db = createDb(env.DB);
  const scope = new TenantScope(db, work.tenantId);
  const now = new Date();
  const record = await scope.findOne(records, eq(records.id, work.recordId));
  const settle = (state: "processed" | "failed", error: string | null) =>
    chunk(work.importIds, 90).map((ids) =>
      prepared(db, scope.update(imports, { state, error, recordId: record ? work.recordId : null, processedAt: now }, inArray(imports.id, ids))),
    );

  if (!record) {
    // Merged into another Record (or deleted) after these Imports were matched: they are matched again.
    await env.DB.batch(settle("failed", "The Record was merged or removed before this import was applied; send it again to apply it"));
    return { outcome: "gone", changed: [], invalid: 0 };
  }

  const plan = await planRecordValues(scope, work.recordId, await propertiesFor(scope, Object.keys(work.values)), work.values, now);
  const outcome = work.created ? "created" : plan.changed.length ? "updated" : "unchanged";
  const statements: D1PreparedStatement[] = plan.writes.map((w) => prepared(db, w));
  if (plan.changes.length) {
    statements.push(
      prepared(db, scope.insert(recordChanges, { id: newId("chg"), recordId: work.recordId, importIds: work.importIds, runId: work.runIds[0] ?? null, changes: plan.changes, createdAt: now })),
      prepared(db, scope.update(records, { updatedAt: now }, and(eq(records.id, work.recordId))!)),
    );
  }
  statements.push(...settle("processed", null));
  for (const runId of work.runIds) {
    const counted = incrementRunCounters(env.DB, work.tenantId, runId, {
      recordsCreated: outcome === "created" ? 1 : 0,
      recordsUpdated: outcome === "updated" ? 1 : 0,
      recordsUnchanged: outcome === "unchanged" ? 1 : 0,
      invalidValues: plan.invalid.length,
    });
    if (counted) statements.push(counted);
  }
  await env.DB.batch(statements);

  for (const hook of RECORD_HOOKS) await hook(env, { tenantId: work.tenantId, recordId: work.recordId, changed: plan.changed, created: work.created });
  return { outcome, changed: plan.changed, invalid: plan.invalid.length };
}
