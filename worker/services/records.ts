import { and, asc, eq, gt, inArray, or, sql, type SQL } from "drizzle-orm";
import { chunk } from "../db/chunk";
import { recordProperties, records, type Property, type RecordProperty, type RecordRow } from "../db/schema";
import type { TenantScope } from "../db/tenant-scope";
import { ApiError, notFound } from "../errors";
import { groupsOfRecord } from "./group-members";
import { listProperties } from "./properties";
import { identitiesOf } from "./record-identity";
import { searchConditions, type RecordSearch } from "./record-search";
import { recordTimeline } from "./record-timeline";

// One bound parameter is the workspace id; D1 allows 100 per statement.
const IDS_PER_QUERY = 90;

function encodeCursor(record: RecordRow) {
  return btoa(`${record.createdAt.getTime()}|${record.id}`);
}

function decodeCursor(cursor: string): { at: Date; id: string } {
  try {
    const [at, id] = atob(cursor).split("|");
    if (!at || !id || !/^\d+$/.test(at)) throw new Error();
    return { at: new Date(Number(at)), id };
  } catch {
    throw new ApiError("invalid_request", "Invalid query parameters: cursor: not a cursor returned by this API", [
      { path: "cursor", message: "not a cursor returned by this API" },
    ]);
  }
}

/**
 * The stored value slots of many Records, in a few chunked queries rather than one per Record. The
 * workspace condition carries a unary plus so that SQLite, lacking table statistics, cannot choose
 * the (tenant, property, value) index and read every value in the workspace instead of the record index.
 */
export async function slotsOf(scope: TenantScope, recordIds: string[]) {
  const parts = await Promise.all(
    chunk(recordIds, IDS_PER_QUERY).map((ids) =>
      scope.db
        .select()
        .from(recordProperties)
        .where(and(sql`+${recordProperties.tenantId} = ${scope.tenantId}`, inArray(recordProperties.recordId, ids))),
    ),
  );
  return parts.flat();
}

/** What a Property holds, by position; an invalid slot shows as null, as in the Record's timeline. */
const valuesBySlot = (slots: RecordProperty[]) => [...slots].sort((a, b) => a.position - b.position).map((s) => s.value);

/** A Record as listed: every Property by key, a single value or (for array Properties) a list. */
export function listedRecord(record: RecordRow, workspaceProperties: Property[], slots: RecordProperty[]) {
  const values: Record<string, string | null | (string | null)[]> = {};
  for (const property of workspaceProperties) {
    const held = valuesBySlot(slots.filter((s) => s.propertyId === property.id));
    values[property.key] = property.isArray ? held : (held[0] ?? null);
  }
  return { id: record.id, createdAt: record.createdAt, updatedAt: record.updatedAt, missingSince: record.missingSince, properties: values };
}

export interface RecordListQuery extends RecordSearch {
  limit: number;
  cursor?: string;
}

/** A page of Records, oldest first (created time, then id, so equal times still page stably). */
export async function listRecords(scope: TenantScope, query: RecordListQuery) {
  const workspaceProperties = await listProperties(scope);
  const conditions: SQL[] = searchConditions(scope, workspaceProperties, query);
  if (query.cursor) {
    const after = decodeCursor(query.cursor);
    conditions.push(or(gt(records.createdAt, after.at), and(eq(records.createdAt, after.at), gt(records.id, after.id)))!);
  }
  const rows = await scope
    .select(records, conditions.length ? and(...conditions) : undefined)
    .orderBy(asc(records.createdAt), asc(records.id))
    .limit(query.limit + 1);
  const page = rows.slice(0, query.limit);
  const slotsByRecord = new Map<string, RecordProperty[]>();
  for (const slot of await slotsOf(scope, page.map((r) => r.id))) {
    const held = slotsByRecord.get(slot.recordId);
    if (held) held.push(slot);
    else slotsByRecord.set(slot.recordId, [slot]);
  }
  return {
    records: page.map((r) => listedRecord(r, workspaceProperties, slotsByRecord.get(r.id) ?? [])),
    nextCursor: rows.length > query.limit ? encodeCursor(page[page.length - 1]!) : null,
  };
}

/** One Property of one Record with how its value got there: invalid input and its reason, state, times. */
function recordProperty(property: Property, slots: RecordProperty[]) {
  const invalid = [...slots].sort((a, b) => a.position - b.position).find((s) => s.invalidReason !== null);
  const times = (pick: (s: RecordProperty) => Date | null) => slots.map(pick).filter((t): t is Date => t !== null).map((t) => t.getTime());
  const changedTimes = times((s) => s.valueChangedAt);
  const confirmedTimes = times((s) => s.confirmedAt);
  return {
    key: property.key,
    type: property.type,
    isArray: property.isArray,
    values: valuesBySlot(slots),
    // An array Property may hold several invalid elements; the first one is shown.
    invalidValue: invalid?.invalidValue ?? null,
    invalidReason: invalid?.invalidReason ?? null,
    // null when the Record has never held this Property.
    state: slots.length ? (slots.some((s) => s.state === "pending") ? "pending" : "ready") : null,
    valueChangedAt: changedTimes.length ? new Date(Math.max(...changedTimes)) : null,
    // The oldest confirmation: the time up to which every element is known to be current.
    confirmedAt: confirmedTimes.length ? new Date(Math.min(...confirmedTimes)) : null,
    sourceId: property.sourceId,
  };
}

/** A Record with its Properties, identities and timeline (newest first, up to 100 entries before `before`). */
export async function getRecord(scope: TenantScope, recordId: string, timelineBefore?: Date) {
  const record = await scope.findOne(records, eq(records.id, recordId));
  if (!record) throw notFound("Record");
  const [workspaceProperties, slots, identities, timeline, memberships] = await Promise.all([
    listProperties(scope),
    slotsOf(scope, [recordId]),
    identitiesOf(scope, [recordId]),
    recordTimeline(scope, recordId, timelineBefore),
    groupsOfRecord(scope, recordId),
  ]);
  const keyOf = new Map(workspaceProperties.map((p) => [p.id, p.key]));
  return {
    id: record.id,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
    missingSince: record.missingSince,
    properties: workspaceProperties.map((p) => recordProperty(p, slots.filter((s) => s.propertyId === p.id))),
    identities: identities
      .map((i) => ({ key: keyOf.get(i.propertyId)!, value: i.value }))
      .sort((a, b) => a.key.localeCompare(b.key) || a.value.localeCompare(b.value)),
    ...memberships,
    timeline,
  };
}
