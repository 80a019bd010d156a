import { chunk } from "../db/chunk";
import { imports, type Import } from "../db/schema";
import type { TenantScope } from "../db/tenant-scope";
import type { Env } from "../env";
import { runBatch } from "../db/client";
import type { HydrationMessage } from "../queues/messages";

/** Imports per hydration message: one batch of Records read from each Source at once. */
export const HYDRATION_BATCH = 100;

export interface NewImport {
  /** Deterministic when the caller can retry (Idempotency-Key, Run page + row), so a retry inserts nothing. */
  id: string;
  data: Record<string, unknown>;
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
          recordId: null,
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

/** Hands Imports to the hydration queue in batches; the consumer skips any already processed. */
export async function enqueueHydration(env: Env, tenantId: string, importIds: string[]) {
  const messages = chunk(importIds, HYDRATION_BATCH).map((ids) => ({ body: { kind: "hydrate", tenantId, importIds: ids } satisfies HydrationMessage }));
  for (const group of chunk(messages, 100)) await env.HYDRATION.sendBatch(group);
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
  await enqueueHydration(env, scope.tenantId, items.map((i) => i.id));
  return { stored, duplicates: items.length - stored };
}
