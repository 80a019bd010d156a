import type { RemoteField } from "../../plugins/contract";
import type { PropertyType } from "../properties/types";
import type { ExportPayload, FieldValue, SyncMode } from "./types";

/** A Destination as a Record's object needs it to decide: whom it holds, what it sends, how leaving is handled. */
export interface DestinationPlan {
  id: string;
  version: number;
  /** The collection's Group, or null for every Record. */
  groupId: string | null;
  syncMode: SyncMode;
  /** Off, the Destination receives no Record Exports, only the events it subscribes to. */
  sendRecords: boolean;
  /** Event names forwarded there: exact, or a prefix ending in `*`. */
  eventNames: string[];
  fields: { remote: string; key: string; type: PropertyType; isArray: boolean; arrays: RemoteField["arrays"] }[];
  lists: { groupId: string; remote: string }[];
}

/** What the object last decided a Destination should hold for its Record; `payload` null when nothing (never sent, or removed). */
export interface Decided {
  payload: ExportPayload | null;
  /** What the Destination held before that decision, so a decision whose write was lost can be made again whole. */
  before: ExportPayload | null;
  /** The Record's revision the decision was made at. */
  revision: number;
  /**
   * This Destination's decisions for the Record so far. Group changes by hand keep the revision, so
   * a Record can leave and come back, or gain and lose a list, at one revision: the count tells
   * those decisions apart, while a decision made again (its write lost) keeps its count.
   */
  seq?: number;
}

export interface ExportDecision {
  destinationId: string;
  action: "upsert" | "update" | "delete";
  old: ExportPayload | null;
  new: ExportPayload;
  revision: number;
  seq: number;
}

/** The Record as decisions see it: valid values by Property key, and every Group it is in. */
export interface DecidingRecord {
  values: Record<string, (string | null)[]>;
  groups: ReadonlySet<string>;
}

/** A stored text value as JSON gives it to an outside system: numbers and booleans as themselves. */
function typed(type: PropertyType, value: string): string | number | boolean {
  if (type === "integer" || type === "float") return Number(value);
  if (type === "boolean") return value === "true";
  return value;
}

function fieldValue(field: DestinationPlan["fields"][number], values: DecidingRecord["values"]): FieldValue {
  const valid = (values[field.key] ?? []).filter((v): v is string => v !== null).map((v) => typed(field.type, v));
  if (!field.isArray) return valid[0] ?? null;
  if (field.arrays === "list") return valid;
  if (field.arrays === "join") return valid.length ? valid.join(", ") : null;
  return valid[0] ?? null;
}

/** The payload a Record should have in a Destination: every mapped field (null when it has no valid value) and its lists. */
export function payloadFor(plan: DestinationPlan, record: DecidingRecord): ExportPayload {
  const fields: Record<string, FieldValue> = {};
  for (const field of plan.fields) fields[field.remote] = fieldValue(field, record.values);
  const lists = plan.lists.filter((l) => record.groups.has(l.groupId)).map((l) => l.remote);
  return { fields, lists: [...new Set(lists)].sort() };
}

const samePayload = (a: ExportPayload, b: ExportPayload) => JSON.stringify(a.lists) === JSON.stringify(b.lists) && sameFields(a.fields, b.fields);

function sameFields(a: Record<string, FieldValue>, b: Record<string, FieldValue>) {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].every((k) => JSON.stringify(a[k] ?? null) === JSON.stringify(b[k] ?? null));
}

export const inCollection = (plan: DestinationPlan, record: DecidingRecord) => plan.groupId === null || record.groups.has(plan.groupId);

/** The Export a decision stands for: a payload to put there, or the last one sent, to take away. */
function exportOf(plan: DestinationPlan, decided: Decided): ExportDecision | null {
  const { payload, before, revision } = decided;
  const seq = decided.seq ?? 0;
  if (payload) return { destinationId: plan.id, action: plan.syncMode === "enrich" ? "update" : "upsert", old: before, new: payload, revision, seq };
  return before ? { destinationId: plan.id, action: "delete", old: before, new: before, revision, seq } : null;
}

/**
 * Decides, for every Destination, what its Record should be there and whether that needs an
 * Export: only when the payload differs field by field from the last one decided, or when a
 * Record that was sent has left a `sync` Destination's collection. `additive` and `enrich` keep
 * what was sent. Decisions made after `storedRevision` never reached D1 (their write was lost), so
 * they are made again unchanged, at their own revision, and land on the same Export.
 */
export function decideExports(
  plans: readonly DestinationPlan[],
  record: DecidingRecord,
  previous: Readonly<Record<string, Decided>>,
  revision: number,
  storedRevision: number,
): { decided: Record<string, Decided>; exports: ExportDecision[] } {
  const decided: Record<string, Decided> = {};
  const exports: ExportDecision[] = [];
  for (const plan of plans) {
    if (!plan.sendRecords) continue;
    const last = previous[plan.id];
    const held = last?.payload ?? null;
    let next: Decided | undefined = last;
    if (inCollection(plan, record)) {
      const payload = payloadFor(plan, record);
      if (!held || !samePayload(held, payload)) next = { payload, before: held, revision, seq: (last?.seq ?? 0) + 1 };
    } else if (held && plan.syncMode === "sync") {
      next = { payload: null, before: held, revision, seq: (last?.seq ?? 0) + 1 };
    }
    if (!next) continue;
    decided[plan.id] = next;
    const fresh = next !== last;
    const lost = !fresh && next.revision > storedRevision;
    const decision = fresh || lost ? exportOf(plan, next) : null;
    if (decision) exports.push(decision);
  }
  return { decided, exports };
}
