import { eq } from "drizzle-orm";
import { SendError, type DestinationLimits, type EventItem, type ExportItem, type ExportOutcome, type PluginContext } from "../../plugins/contract";
import { destinationObjectName } from "../../durable-objects/destination-object";
import { recordObjectName } from "../../durable-objects/record-object";
import { createDb } from "../db/client";
import { destinations, type Destination } from "../db/destinations-schema";
import { tenants } from "../db/schema";
import { TenantScope } from "../db/tenant-scope";
import { destinationRuntime, type DestinationRuntime } from "../destinations/runtime";
import type { ExportKind, ExportPayload, ForwardedEvent } from "../destinations/types";
import type { Env } from "../env";
import { newId } from "../ids";
import { log } from "../log";
import { findApp } from "../services/apps";
import { firstRetryMs, retryDelayMs, statesBefore, SUPERSEDED_BY_NEWER } from "./states";

/** How long a consumer waits for a permit before leaving the batch to a later message. */
const MAX_PERMIT_WAIT_MS = 5_000;
/** How long one request to a Destination may take before it counts as a failed, retryable attempt. */
const SEND_TIMEOUT_MS = 30_000;

interface Claimed {
  id: string;
  record_id: string;
  to_delete: number;
  new_payload: string;
  event: string | null;
  attempts: number;
  revision: number;
  retried_at: number | null;
}

/**
 * What keeps a due Export waiting. A Record's changes reach the Destination in order: one waits while
 * an earlier one of the same Record is sending. An event waits while its Record's first attempt at
 * a change is still to come, so the outside system has heard of the person before hearing what they did.
 */
const WAITS_FOR: Record<ExportKind, string> = {
  record: "s.kind = 'record' and s.state = 'sending'",
  event: "s.kind = 'record' and (s.state = 'sending' or (s.state = 'pending' and s.attempts = 0))",
};

/** Takes up to `limit` due Exports of one kind for a Destination, in one conditional update. */
async function claimDue(d1: D1Database, tenantId: string, destinationId: string, kind: ExportKind, limit: number, now: number) {
  const { results } = await d1
    .prepare(
      `update exports set state = 'sending', attempts = attempts + 1, updated_at = ?3
       where id in (
         select e.id from exports e
         where e.destination_id = ?1 and e.tenant_id = ?2 and e.state = 'pending' and e.kind = ?5 and e.next_attempt_at <= ?3
           and not exists (select 1 from exports s where s.record_id = e.record_id and s.destination_id = e.destination_id and ${WAITS_FOR[kind]})
         order by e.next_attempt_at limit ?4)
       and state in (${statesBefore("sending")})
       returning id, record_id, to_delete, new_payload, event, attempts, revision, retried_at`,
    )
    .bind(destinationId, tenantId, now, limit, kind)
    .all<Claimed>();
  return results;
}

/** What the Destination was last sent for each Record: the base for list changes, and the remote id. */
async function lastSent(d1: D1Database, destinationId: string, recordIds: string[]) {
  const { results } = await d1
    .prepare("select record_id, payload, remote_id from destination_records where destination_id = ? and record_id in (select value from json_each(?))")
    .bind(destinationId, JSON.stringify(recordIds))
    .all<{ record_id: string; payload: string; remote_id: string | null }>();
  return new Map(results.map((r) => [r.record_id, { payload: JSON.parse(r.payload) as ExportPayload, remoteId: r.remote_id }]));
}

const minus = (a: string[], b: string[]) => a.filter((x) => !b.includes(x));

type LastSent = { payload: ExportPayload; remoteId: string | null };

/** An event as the plugin forwards it: the event, with the Record's mapped fields and lists attached. */
function eventItemOf(row: Claimed, last: LastSent | undefined): EventItem {
  const record = JSON.parse(row.new_payload) as ExportPayload;
  return { exportId: row.id, recordId: row.record_id, event: JSON.parse(row.event!) as ForwardedEvent, fields: record.fields, lists: record.lists, remoteId: last?.remoteId ?? null };
}

function itemOf(row: Claimed, last: LastSent | undefined, destination: Destination): ExportItem {
  const next = JSON.parse(row.new_payload) as ExportPayload;
  const before = last?.payload.lists ?? [];
  if (row.to_delete) {
    return { exportId: row.id, recordId: row.record_id, action: "delete", fields: last?.payload.fields ?? next.fields, lists: { all: [], add: [], remove: before }, remoteId: last?.remoteId ?? null };
  }
  return {
    exportId: row.id,
    recordId: row.record_id,
    action: destination.syncMode === "enrich" ? "update" : "upsert",
    fields: next.fields,
    lists: { all: next.lists, add: minus(next.lists, before), remove: minus(before, next.lists) },
    remoteId: last?.remoteId ?? null,
  };
}

const permitsOf = (env: Env, destination: Destination) => env.DESTINATIONS.get(env.DESTINATIONS.idFromName(destinationObjectName(destination.tenantId, destination.id)));

/** Waits for a permit from the Destination's object: 0 once granted, or the wait that would be too long for this message. */
async function permit(env: Env, destination: Destination, limits: DestinationLimits, leaseId: string): Promise<number> {
  const started = Date.now();
  for (;;) {
    const { waitMs } = await permitsOf(env, destination).acquire(limits, leaseId);
    if (waitMs === 0) return 0;
    if (Date.now() - started + waitMs > MAX_PERMIT_WAIT_MS) return waitMs;
    await new Promise((resolve) => setTimeout(resolve, waitMs));
  }
}

type Item = ExportItem | EventItem;
/** The plugin call that sends a batch of one kind of item. */
type Deliver<T extends Item> = (items: T[], ctx: PluginContext) => Promise<Map<string, ExportOutcome>>;

const failAll = (items: Item[], error: string, retryable: boolean, retryAfterMs?: number) =>
  new Map<string, ExportOutcome>(items.map((i) => [i.exportId, { ok: false, error, retryable, retryAfterMs }]));

/**
 * Sends items in one request under a permit. A request refused as a whole for its content is split
 * in halves until the rows at fault stand alone; a retryable refusal (throttled, a server error, no
 * connection) comes back for every row, with the wait the system asked for.
 */
async function sendParts<T extends Item>(
  env: Env,
  runtime: DestinationRuntime,
  destination: Destination,
  limits: DestinationLimits,
  deliver: Deliver<T>,
  items: T[],
  granted?: string,
): Promise<Map<string, ExportOutcome>> {
  const stub = permitsOf(env, destination);
  const leaseId = granted ?? newId("exp");
  if (!granted && (await permit(env, destination, limits, leaseId)) > 0) return failAll(items, "Still waiting for the Destination's rate limit", true);
  let retryAfterMs: number | undefined;
  try {
    const answered = await deliver(items, { ...runtime.base, signal: AbortSignal.timeout(SEND_TIMEOUT_MS) });
    for (const outcome of answered.values()) if (!outcome.ok && outcome.retryAfterMs) retryAfterMs = Math.max(retryAfterMs ?? 0, outcome.retryAfterMs);
    return new Map(items.map((i) => [i.exportId, answered.get(i.exportId) ?? { ok: false, error: "The Destination gave no answer for this Export", retryable: true }]));
  } catch (err) {
    const refusal = err instanceof SendError ? err : new SendError(err instanceof Error ? err.message : String(err), true);
    retryAfterMs = refusal.details.retryAfterMs;
    if (refusal.retryable || items.length === 1) return failAll(items, refusal.message, refusal.retryable, retryAfterMs);
    // The halves need permits of their own: this one goes back first, or a concurrency of one would wait on itself.
    await stub.release(leaseId);
    const half = Math.ceil(items.length / 2);
    const first = await sendParts(env, runtime, destination, limits, deliver, items.slice(0, half));
    return new Map([...first, ...(await sendParts(env, runtime, destination, limits, deliver, items.slice(half)))]);
  } finally {
    await stub.release(leaseId, retryAfterMs);
  }
}

const completed = (d1: D1Database, id: string, reason: string, outcome: ExportOutcome & { ok: true }, now: number) =>
  d1
    .prepare(`update exports set state = 'complete', reason = ?, response = ?, error = null, updated_at = ?, finished_at = ? where id = ? and state in (${statesBefore("complete")})`)
    .bind(reason, JSON.stringify(outcome.summary ?? {}), now, now, id);

/** The statements storing each Export's outcome, and what the Destination now holds for its Record. */
function outcomeStatements(
  d1: D1Database,
  destination: Destination,
  rows: Claimed[],
  items: Map<string, Item>,
  outcomes: Map<string, ExportOutcome>,
  retries: { maxAttempts: number; firstRetryMs: number },
  now: number,
) {
  const statements: D1PreparedStatement[] = [];
  const failedForGood: Claimed[] = [];
  for (const row of rows) {
    const outcome = outcomes.get(row.id)!;
    const item = items.get(row.id)!;
    if (outcome.ok && "event" in item) {
      statements.push(completed(d1, row.id, outcome.skipped ?? "Forwarded", outcome, now));
    } else if (outcome.ok && "action" in item) {
      statements.push(completed(d1, row.id, outcome.skipped ?? (item.action === "delete" ? "Removed" : "Sent"), outcome, now));
      if (item.action === "delete") {
        statements.push(d1.prepare("delete from destination_records where destination_id = ? and record_id = ?").bind(destination.id, row.record_id));
      } else if (!outcome.skipped) {
        statements.push(
          d1
            .prepare(
              `insert into destination_records (tenant_id, destination_id, record_id, payload, remote_id, sent_at) values (?, ?, ?, ?, ?, ?)
               on conflict (destination_id, record_id) do update set payload = excluded.payload, remote_id = coalesce(excluded.remote_id, destination_records.remote_id), sent_at = excluded.sent_at`,
            )
            .bind(destination.tenantId, destination.id, row.record_id, row.new_payload, outcome.remoteId ?? null, now),
        );
      }
    } else if (!outcome.ok && outcome.retryable && row.attempts < retries.maxAttempts) {
      statements.push(
        d1
          .prepare(
            `update exports set
               state = case when ${SUPERSEDED_BY_NEWER} then 'canceled' else 'pending' end,
               reason = case when ${SUPERSEDED_BY_NEWER} then 'Superseded by a newer change' else null end,
               next_attempt_at = ?, error = ?, updated_at = ?
             where id = ? and state = 'sending'`,
          )
          .bind(now + retryDelayMs(row.attempts, outcome.retryAfterMs, Math.random(), retries.firstRetryMs), outcome.error, now, row.id),
      );
    } else if (!outcome.ok) {
      const reason = outcome.retryable ? `Failed after ${row.attempts} attempts: ${outcome.error}` : outcome.error;
      statements.push(
        d1
          .prepare(`update exports set state = 'failed', error = ?, reason = ?, updated_at = ?, finished_at = ? where id = ? and state in (${statesBefore("failed")})`)
          .bind(outcome.error, reason, now, now, row.id),
      );
      if ("action" in item) failedForGood.push(row);
    }
  }
  return { statements, failedForGood };
}

/** One Destination as a send needs it: its row, plugin, limits and the workspace's retry rules. */
interface Sender {
  env: Env;
  destination: Destination;
  runtime: DestinationRuntime;
  limits: DestinationLimits;
  retries: { maxAttempts: number; firstRetryMs: number };
}

type BatchResult = { waitMs: number } | { full: boolean };

/**
 * Sends one batch of a Destination's due Exports of one kind and stores every outcome. The permit
 * comes before the claim, so Exports are never taken (and an attempt counted) only to wait.
 */
async function sendBatch(sender: Sender, kind: ExportKind): Promise<BatchResult> {
  const { env, destination, runtime, limits } = sender;
  const batchSize = kind === "event" ? (limits.eventBatchSize ?? limits.batchSize) : limits.batchSize;
  const leaseId = newId("exp");
  const waitMs = await permit(env, destination, limits, leaseId);
  if (waitMs > 0) return { waitMs };
  const rows = await claimDue(env.DB, destination.tenantId, destination.id, kind, batchSize, Date.now());
  if (!rows.length) {
    await permitsOf(env, destination).release(leaseId);
    return { full: false };
  }
  const sent = await lastSent(env.DB, destination.id, rows.map((r) => r.record_id));
  const outcomes = new Map<string, ExportOutcome>();
  let items: Map<string, Item>;
  if (kind === "event") {
    const events = rows.map((r) => eventItemOf(r, sent.get(r.record_id)));
    items = new Map(events.map((i) => [i.exportId, i]));
    const deliver: Deliver<EventItem> = (batch, ctx) => runtime.destinationType.sendEvents!(runtime.appOptions, runtime.destinationOptions, batch, ctx);
    for (const [id, outcome] of await sendParts(env, runtime, destination, limits, deliver, events, leaseId)) outcomes.set(id, outcome);
  } else {
    const changes = rows.map((r) => itemOf(r, sent.get(r.record_id), destination));
    items = new Map(changes.map((i) => [i.exportId, i]));
    // Removing a Record the Destination never received needs no request.
    const toSend = changes.filter((item) => {
      const needless = item.action === "delete" && !sent.has(item.recordId);
      if (needless) outcomes.set(item.exportId, { ok: true, skipped: "Never sent, so nothing to remove" });
      return !needless;
    });
    const deliver: Deliver<ExportItem> = (batch, ctx) => runtime.destinationType.send(runtime.appOptions, runtime.destinationOptions, batch, ctx);
    if (toSend.length) for (const [id, outcome] of await sendParts(env, runtime, destination, limits, deliver, toSend, leaseId)) outcomes.set(id, outcome);
    else await permitsOf(env, destination).release(leaseId);
  }
  const { statements, failedForGood } = outcomeStatements(env.DB, destination, rows, items, outcomes, sender.retries, Date.now());
  await env.DB.batch(statements);
  if (kind === "record") await tellRecordObjects(env, destination, rows, outcomes, failedForGood);
  const failures = [...outcomes.values()].filter((o) => !o.ok).length;
  log("debug", "sent exports", { tenantId: destination.tenantId, destinationId: destination.id, kind, exports: rows.length, failures });
  return { full: rows.length === batchSize };
}

/** Keeps Records' objects in step with what the Destination got, after Record Exports ended. */
async function tellRecordObjects(env: Env, destination: Destination, rows: Claimed[], outcomes: Map<string, ExportOutcome>, failedForGood: Claimed[]) {
  const objectOf = (recordId: string) => env.RECORDS.get(env.RECORDS.idFromName(recordObjectName(destination.tenantId, recordId)));
  // Their objects decided payloads the Destination never got: they forget them, so the next change sends everything again.
  for (const row of failedForGood) await objectOf(row.record_id).forgetExport(destination.id, row.revision);
  // Retried by hand after failing for good, and arrived: their objects had forgotten them, and learn otherwise.
  for (const row of rows) {
    const outcome = outcomes.get(row.id);
    if (row.retried_at === null || !outcome?.ok || outcome.skipped) continue;
    const payload = row.to_delete ? null : (JSON.parse(row.new_payload) as ExportPayload);
    await objectOf(row.record_id).rememberExport(destination.id, row.revision, payload);
  }
}

/**
 * Sends one batch of each kind of a Destination's due Exports (Record changes, then forwarded
 * events) and stores every outcome. Another message is queued while more are due now; retries that
 * are due later are picked up by the minute's sweep.
 */
export async function sendExports(env: Env, tenantId: string, destinationId: string) {
  const scope = new TenantScope(createDb(env.DB), tenantId);
  const destination = await scope.findOne(destinations, eq(destinations.id, destinationId));
  const tenant = await scope.db
    .select({ maxAttempts: tenants.exportMaxAttempts, allowPrivateNetwork: tenants.allowPrivateDestinations })
    .from(tenants)
    .where(eq(tenants.id, tenantId))
    .get();
  if (!destination || !tenant) return;
  const runtime = await destinationRuntime(env, await findApp(scope, destination.appId), destination, tenant);
  const limits = runtime.destinationType.limits(runtime.appOptions, runtime.destinationOptions);
  const sender: Sender = { env, destination, runtime, limits, retries: { maxAttempts: tenant.maxAttempts, firstRetryMs: firstRetryMs(env.EXPORT_FIRST_RETRY_MS) } };
  const kinds: ExportKind[] = runtime.destinationType.sendEvents ? ["record", "event"] : ["record"];
  let more = false;
  for (const kind of kinds) {
    const result = await sendBatch(sender, kind);
    if ("waitMs" in result) return env.EXPORTS.send({ kind: "send-exports", tenantId, destinationId }, { delaySeconds: Math.ceil(result.waitMs / 1000) });
    more ||= result.full;
  }
  if (more) await env.EXPORTS.send({ kind: "send-exports", tenantId, destinationId });
}

/** Queues a send for each Destination that has new Exports. */
export async function nudgeDestinations(env: Env, tenantId: string, destinationIds: Iterable<string>) {
  const ids = [...new Set(destinationIds)];
  if (ids.length) await env.EXPORTS.sendBatch(ids.map((destinationId) => ({ body: { kind: "send-exports" as const, tenantId, destinationId } })));
}
