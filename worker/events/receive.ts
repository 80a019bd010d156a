import { chunk } from "../db/chunk";
import { runBatch } from "../db/client";
import { eventIdentities, events, type EventValue } from "../db/events-schema";
import type { Property } from "../db/schema";
import type { TenantScope } from "../db/tenant-scope";
import type { Env } from "../env";
import { ApiError } from "../errors";
import { derivedId, newId } from "../ids";
import { loadCatalog } from "../pipeline/catalog";
import { coerce } from "../properties/coerce";
import { classifyImportKeys } from "../pipeline/import-keys";
import { enqueueHydration, importInserts } from "../services/imports";
import { likelyMeant } from "./typos";

/** An event as a request sends it, checked for shape. */
export interface EventInput {
  id?: string;
  name: string;
  occurredAt?: Date;
  identity: Record<string, EventValue>;
  data: Record<string, EventValue>;
}

/** How far ahead of our clock an event may say it happened: clocks drift, calendars do not. */
export const MAX_FUTURE_SKEW_MS = 5 * 60_000;

// 11 columns per event row, 4 per identity row, and D1 binds at most 100 parameters per statement.
const ROWS_PER_INSERT = 9;
const IDENTITIES_PER_INSERT = 25;

export interface ReceivedEvents {
  received: number;
  stored: number;
  duplicates: number;
  eventIds: string[];
  warnings: { index: number; message: string }[];
}

const filled = (v: EventValue | undefined) => v !== undefined && v !== null && v !== "" && !(Array.isArray(v) && v.length === 0);

/** What is wrong with one event's identity and time, in words, or nothing. */
function problemsOf(input: EventInput, identities: readonly CoercedIdentity[], byKey: ReadonlyMap<string, Property>, now: number): string[] {
  const problems: string[] = [];
  for (const key of Object.keys(input.identity)) {
    const property = byKey.get(key);
    if (!property) problems.push(`identity "${key}" is not a Property`);
    else if (!property.unique) problems.push(`identity "${key}" is not a unique Property, so it cannot tell Records apart`);
  }
  if (!problems.length && !Object.values(input.identity).some(filled)) problems.push("its identity has no value");
  else if (!problems.length && !identities.length) {
    const reasons = Object.entries(input.identity).flatMap(([key, raw]) => {
      const coerced = coerce(byKey.get(key)!.type, Array.isArray(raw) ? raw[0] : raw);
      return coerced.ok ? [] : [`${key}: ${coerced.reason}`];
    });
    problems.push(`its identity has no valid value (${reasons.join("; ")})`);
  }
  if (input.occurredAt && input.occurredAt.getTime() > now + MAX_FUTURE_SKEW_MS) {
    problems.push(`occurredAt ${input.occurredAt.toISOString()} is more than ${MAX_FUTURE_SKEW_MS / 60_000} minutes ahead of now`);
  }
  return problems;
}

/** Warnings for data keys that change nothing on the Record although they look as if they were meant to. */
function warningsOf(properties: Property[], keys: ReturnType<typeof classifyImportKeys>): string[] {
  const propertyKeys = properties.map((p) => p.key);
  const warnings = keys.ignored.map((p) => `"${p.key}" is read from a Source, so the value sent stays on the event and the Record keeps its own`);
  for (const key of keys.unknown) {
    const meant = likelyMeant(key, propertyKeys);
    if (meant) warnings.push(`"${key}" is not a Property; did you mean "${meant}"? It was kept on the event only`);
  }
  return warnings;
}

interface CoercedIdentity {
  propertyId: string;
  value: string;
}

/** The event's identity as Record identities hold it: each valid value of a unique Property, coerced to its canonical text. */
function identitiesOf(identity: EventInput["identity"], byKey: ReadonlyMap<string, Property>): CoercedIdentity[] {
  return Object.entries(identity).flatMap(([key, raw]) => {
    const property = byKey.get(key);
    if (!property?.unique) return [];
    return (Array.isArray(raw) ? raw : [raw]).flatMap((value) => {
      const coerced = coerce(property.type, value);
      return coerced.ok && coerced.value !== null ? [{ propertyId: property.id, value: coerced.value }] : [];
    });
  });
}

/** With an event id or an Idempotency-Key, a delivery sent again names the same events, so it stores nothing twice. */
function eventId(tenantId: string, input: EventInput, idempotencyKey: string | undefined, index: number) {
  if (input.id !== undefined) return derivedId("evt", tenantId, "id", input.id);
  if (idempotencyKey !== undefined) return derivedId("evt", tenantId, "key", idempotencyKey, String(index));
  return Promise.resolve(newId("evt"));
}

/**
 * Checks and stores the events of one request, all or none. Each event's identity, and its data
 * keys that are Properties Groupflow keeps (of push-only Sources), go to the Record as one Import
 * would; every other key stays on the event.
 */
export async function receiveEvents(
  scope: TenantScope,
  env: Env,
  inputs: EventInput[],
  channel: { via: "api" | "webhook"; idempotencyKey: string | undefined },
  now = Date.now(),
): Promise<ReceivedEvents> {
  const { idempotencyKey } = channel;
  const catalog = await loadCatalog(scope);
  const byKey = new Map(catalog.properties.map((p) => [p.key, p]));
  const refused: { index: number; problems: string[] }[] = [];
  const warnings: ReceivedEvents["warnings"] = [];
  const identities = inputs.map((input) => identitiesOf(input.identity, byKey));
  const applied = inputs.map((input, index) => {
    const problems = problemsOf(input, identities[index]!, byKey, now);
    if (problems.length) refused.push({ index, problems });
    const keys = classifyImportKeys(input.data, catalog.properties, catalog.pushOnlySourceIds);
    for (const message of warningsOf(catalog.properties, keys)) warnings.push({ index, message });
    return keys.applied.map((p) => p.key);
  });
  if (refused.length) {
    const words = refused.map((r) => `event ${r.index}: ${r.problems.join("; ")}`).join(". ");
    throw new ApiError("invalid_request", `Nothing was stored. ${words}`, refused.map((r) => ({ path: `${r.index}.identity`, message: r.problems.join("; ") })));
  }
  const ids = await Promise.all(inputs.map((input, index) => eventId(scope.tenantId, input, idempotencyKey, index)));
  const importIds = await Promise.all(ids.map((id) => derivedId("imp", id)));
  const receivedAt = new Date(now);
  const rows = inputs.map((input, i) => ({
    id: ids[i]!,
    tenantId: scope.tenantId,
    name: input.name,
    occurredAt: input.occurredAt ?? receivedAt,
    receivedAt,
    identity: input.identity,
    data: input.data,
    appliedKeys: applied[i]!,
    importId: importIds[i]!,
    recordId: null,
    via: channel.via,
  }));
  const importItems = inputs.map((input, i) => ({ id: importIds[i]!, data: { ...input.identity, ...Object.fromEntries(applied[i]!.map((k) => [k, input.data[k]])) } }));
  // One batch, Imports first: an event always names an Import that exists, and is stored before
  // its Import is hydrated, so Properties computed from events count it.
  const importStatements = importInserts(scope, { via: "event", sourceId: null }, importItems, receivedAt);
  const eventStatements = chunk(rows, ROWS_PER_INSERT).map((part) => scope.db.insert(events).values(part).onConflictDoNothing().returning({ id: events.id }));
  const identityRows = identities.flatMap((list, i) => list.map((identity) => ({ eventId: ids[i]!, tenantId: scope.tenantId, ...identity })));
  const identityStatements = chunk(identityRows, IDENTITIES_PER_INSERT).map((part) => scope.db.insert(eventIdentities).values(part).onConflictDoNothing());
  const results = (await runBatch(scope.db, [...importStatements, ...eventStatements, ...identityStatements])) as { id: string }[][];
  const inserted = results.slice(importStatements.length, importStatements.length + eventStatements.length);
  // Every Import is queued again, not only new ones: a redelivery also recovers a lost enqueue.
  await enqueueHydration(env, scope.tenantId, importIds, "live");
  const stored = inserted.reduce((n, r) => n + r.length, 0);
  return { received: inputs.length, stored, duplicates: inputs.length - stored, eventIds: ids, warnings };
}
