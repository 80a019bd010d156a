import { and, desc, eq, type SQL } from "drizzle-orm";
import { chunk } from "../db/chunk";
import { runBatch } from "../db/client";
import { afterPageCursor, encodePageCursor } from "../db/page-cursor";
import { imports, type Import, type ImportState } from "../db/schema";
import type { TenantScope } from "../db/tenant-scope";
import type { Env } from "../env";
import { ApiError, notFound } from "../errors";
import { derivedId, newId } from "../ids";
import { loadCatalog } from "../pipeline/catalog";
import { classifyImportKeys, importKeyWarnings, type ImportKeys } from "../pipeline/import-keys";
import type { HydrationMessage } from "../queues/messages";

/** Imports per hydration message: one batch of Records read from each Source at once. */
export const HYDRATION_BATCH = 250;

export interface NewImport {
  /** Deterministic when the caller can retry (Idempotency-Key, Run page + row), so a retry inserts nothing. */
  id: string;
  data: Record<string, unknown>;
  /** Set only for a refresh, which names its Record instead of identifying it by values. */
  recordId?: string;
}

export interface ImportOrigin {
  via: Import["via"];
  sourceId: string | null;
  runId?: string;
  page?: number;
}

// 12 columns per row and D1 binds at most 100 parameters per statement.
const ROWS_PER_INSERT = 8;

/** The insert statements for new Imports; rows that already exist (same id) are left as they are. */
export function importInserts(scope: TenantScope, origin: ImportOrigin, items: NewImport[], now = new Date()) {
  return chunk(items, ROWS_PER_INSERT).map((rows) =>
    scope
      .insert(
        imports,
        rows.map((item) => ({
          id: item.id,
          sourceId: origin.sourceId,
          runId: origin.runId ?? null,
          page: origin.page ?? null,
          via: origin.via,
          recordId: item.recordId ?? null,
          data: item.data,
          state: "pending" as const,
          error: null,
          createdAt: now,
          processedAt: null,
        })),
      )
      .onConflictDoNothing()
      .returning({ id: imports.id }),
  );
}

/**
 * Imports that carry nothing and name their Record: hydrating one reads every Source of that
 * Record again, as any Import's hydration does, for values that change with time alone.
 */
export function refreshImports(scope: TenantScope, recordIds: string[], now = new Date()) {
  const items = recordIds.map((recordId) => ({ id: newId("imp"), data: {}, recordId }));
  return { importIds: items.map((i) => i.id), inserts: importInserts(scope, { via: "refresh", sourceId: null }, items, now) };
}

/**
 * Hands Imports to a hydration queue in batches; the consumer skips any already processed. Bulk
 * Runs and live Imports (API, webhooks) have a queue each, so a Run of a million rows never delays
 * the update a person just sent.
 */
export async function enqueueHydration(env: Env, tenantId: string, importIds: string[], lane: "bulk" | "live") {
  const queue = lane === "bulk" ? env.HYDRATION : env.LIVE_HYDRATION;
  const messages = chunk(importIds, HYDRATION_BATCH).map((ids) => ({ body: { kind: "hydrate", tenantId, importIds: ids } satisfies HydrationMessage }));
  for (const group of chunk(messages, 100)) await queue.sendBatch(group);
}

/**
 * Stores Imports that arrived by API or webhook and queues them for hydration. Returns how many
 * were new; the rest were already stored by an earlier delivery of the same request.
 */
export async function storeImports(scope: TenantScope, env: Env, origin: ImportOrigin, items: NewImport[]) {
  if (!items.length) return { stored: 0, duplicates: 0 };
  const results = (await runBatch(scope.db, importInserts(scope, origin, items))) as { id: string }[][];
  const stored = results.reduce((n, rows) => n + rows.length, 0);
  // Every id is queued again, not only the new ones: a retried request also recovers a lost enqueue.
  await enqueueHydration(env, scope.tenantId, items.map((i) => i.id), "live");
  return { stored, duplicates: items.length - stored };
}

/** How a request's Imports arrived: by `POST /imports`, or by the webhook of one Source. */
export type ImportChannel = { via: "api" } | { via: "webhook"; sourceId: string };

/** What the sender learns of its request: per-import warnings carry the import's position in the request. */
export interface ReceivedImports {
  received: number;
  stored: number;
  duplicates: number;
  importIds: string[];
  warnings: { index: number; message: string }[];
}

/** Whether hydration can find (or create) a Record for the Import: it sends a value for a unique Property. */
function identifiesRecord(data: Record<string, unknown>, keys: ImportKeys) {
  return [...keys.applied, ...keys.identifying].some((p) => p.unique && data[p.key] !== null && data[p.key] !== "");
}

/** With an Idempotency-Key, the same request sent again names the same Imports, so it stores nothing twice. */
function importId(tenantId: string, channel: ImportChannel, idempotencyKey: string | undefined, index: number) {
  if (idempotencyKey === undefined) return Promise.resolve(newId("imp"));
  const origin = channel.via === "webhook" ? ["webhook", channel.sourceId] : ["api"];
  return derivedId("imp", tenantId, ...origin, idempotencyKey, String(index));
}

/**
 * Checks and stores the Imports of one API or webhook request, all or none: a request in which any
 * Import cannot name a Record is refused whole, so the sender can fix and resend it as it is.
 */
export async function receiveImports(
  scope: TenantScope,
  env: Env,
  channel: ImportChannel,
  items: Record<string, unknown>[],
  idempotencyKey: string | undefined,
): Promise<ReceivedImports> {
  const catalog = await loadCatalog(scope);
  const sourceNames = new Map([...catalog.sources].map(([id, source]) => [id, source.name]));
  const warnings: ReceivedImports["warnings"] = [];
  const unidentified: number[] = [];
  items.forEach((data, index) => {
    const keys = classifyImportKeys(data, catalog.properties, catalog.pushOnlySourceIds);
    if (!identifiesRecord(data, keys)) unidentified.push(index);
    for (const message of importKeyWarnings(keys, sourceNames)) warnings.push({ index, message });
  });
  if (unidentified.length) {
    const unique = catalog.properties.filter((p) => p.unique).map((p) => p.key);
    const which = unidentified.length === 1 ? `The import at index ${unidentified[0]} sends` : `The imports at indexes ${unidentified.join(", ")} send`;
    throw new ApiError(
      "unprocessable",
      `${which} no value for a unique Property (${unique.join(", ") || "none defined yet"}), so no Record can be found; nothing was stored`,
      { indexes: unidentified },
    );
  }
  const ids = await Promise.all(items.map((_, index) => importId(scope.tenantId, channel, idempotencyKey, index)));
  const origin = { via: channel.via, sourceId: channel.via === "webhook" ? channel.sourceId : null };
  const { stored, duplicates } = await storeImports(scope, env, origin, items.map((data, i) => ({ id: ids[i]!, data })));
  return { received: items.length, stored, duplicates, importIds: ids, warnings };
}

export const publicImport = (i: Import) => ({
  id: i.id,
  sourceId: i.sourceId,
  runId: i.runId,
  via: i.via,
  recordId: i.recordId,
  data: i.data,
  state: i.state,
  error: i.error,
  createdAt: i.createdAt,
  processedAt: i.processedAt,
});

export interface ImportFilter {
  state?: ImportState;
  recordId?: string;
  runId?: string;
  sourceId?: string;
  limit: number;
  cursor?: string;
}

/** Newest first, a page at a time. */
export async function listImports(scope: TenantScope, filter: ImportFilter) {
  const conditions: SQL[] = [];
  if (filter.state) conditions.push(eq(imports.state, filter.state));
  if (filter.recordId) conditions.push(eq(imports.recordId, filter.recordId));
  if (filter.runId) conditions.push(eq(imports.runId, filter.runId));
  if (filter.sourceId) conditions.push(eq(imports.sourceId, filter.sourceId));
  if (filter.cursor) conditions.push(afterPageCursor(filter.cursor, imports));
  const rows = await scope
    .select(imports, conditions.length ? and(...conditions) : undefined)
    .orderBy(desc(imports.createdAt), desc(imports.id))
    .limit(filter.limit + 1);
  const page = rows.slice(0, filter.limit);
  return { imports: page, nextCursor: rows.length > filter.limit ? encodePageCursor(page[page.length - 1]!) : null };
}

export async function findImport(scope: TenantScope, importId: string) {
  const found = await scope.findOne(imports, eq(imports.id, importId));
  if (!found) throw notFound("Import");
  return found;
}
