import { and, desc, eq, lt, or, type SQL } from "drizzle-orm";
import type { Actor } from "../context";
import { auditLog, type AuditEntry } from "../db/schema";
import type { TenantScope } from "../db/tenant-scope";
import { ApiError } from "../errors";
import { newId } from "../ids";

export interface AuditInput {
  action: string;
  targetType: string;
  targetId: string;
  before?: unknown;
  after?: unknown;
}

/** The audit entry for a write, as a query to batch with that write so both land or neither does. */
export function auditEntry(scope: TenantScope, actor: Actor, requestId: string, input: AuditInput) {
  return scope.insert(auditLog, {
    id: newId("aud"),
    actorType: actor.type,
    actorId: actor.id,
    action: input.action,
    targetType: input.targetType,
    targetId: input.targetId,
    before: input.before ?? null,
    after: input.after ?? null,
    requestId,
  });
}

/** The audit entry as a plain D1 statement that inserts only where `condition` holds. */
function auditEntryWhere(scope: TenantScope, actor: Actor, requestId: string, input: AuditInput, condition: string, values: unknown[] = []) {
  const json = (v: unknown) => (v === undefined ? null : JSON.stringify(v));
  return scope.db.$client
    .prepare(
      `insert into audit_log (id, tenant_id, actor_type, actor_id, action, target_type, target_id, before, after, request_id, created_at)
       select ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ? where ${condition}`,
    )
    .bind(newId("aud"), scope.tenantId, actor.type, actor.id, input.action, input.targetType, input.targetId, json(input.before), json(input.after), requestId, Date.now(), ...values);
}

/**
 * Like auditEntry, for a guarded write (one whose WHERE may refuse it): batched as a D1 statement
 * right after that write, it inserts only if the write changed a row, so a refused change leaves no entry.
 */
export const auditEntryIfChanged = (scope: TenantScope, actor: Actor, requestId: string, input: AuditInput) =>
  auditEntryWhere(scope, actor, requestId, input, "changes() > 0");

/**
 * Like auditEntry, for work that may be done twice (a redelivered message, two consumers at once):
 * it inserts only while no entry of the same action on the same target exists, so the work is audited once.
 */
export const auditEntryOnce = (scope: TenantScope, actor: Actor, requestId: string, input: AuditInput) =>
  auditEntryWhere(
    scope,
    actor,
    requestId,
    input,
    "not exists (select 1 from audit_log where tenant_id = ? and target_id = ? and action = ?)",
    [scope.tenantId, input.targetId, input.action],
  );

function encodeCursor(entry: AuditEntry) {
  return btoa(`${entry.createdAt.getTime()}|${entry.id}`);
}

function decodeCursor(cursor: string): { at: Date; id: string } {
  try {
    const [at, id] = atob(cursor).split("|");
    if (!at || !id || Number.isNaN(Number(at))) throw new Error();
    return { at: new Date(Number(at)), id };
  } catch {
    throw new ApiError("invalid_request", "Invalid query parameters: cursor: not a cursor returned by this API");
  }
}

export async function listAuditEntries(scope: TenantScope, opts: { limit: number; cursor?: string; action?: string }) {
  const conditions: SQL[] = [];
  if (opts.action) conditions.push(eq(auditLog.action, opts.action));
  if (opts.cursor) {
    const { at, id } = decodeCursor(opts.cursor);
    conditions.push(or(lt(auditLog.createdAt, at), and(eq(auditLog.createdAt, at), lt(auditLog.id, id)))!);
  }
  const rows = await scope
    .select(auditLog, conditions.length ? and(...conditions) : undefined)
    .orderBy(desc(auditLog.createdAt), desc(auditLog.id))
    .limit(opts.limit + 1);
  const page = rows.slice(0, opts.limit);
  return { entries: page, nextCursor: rows.length > opts.limit ? encodeCursor(page[page.length - 1]!) : null };
}
