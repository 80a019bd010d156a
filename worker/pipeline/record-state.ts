import type { PropertyChange } from "../db/schema";
import { coerce } from "../properties/coerce";
import type { PropertyType } from "../properties/types";
import { ruleProperties, type CalculatedGroup } from "../groups/calculated";
import { groupVerdicts, type GroupVerdict } from "../groups/verdicts";
import { decideExports, type Decided, type DestinationPlan, type ExportDecision } from "../destinations/decide";
import { forwardEvents, type EventExportDecision } from "../destinations/forward-events";
import type { ForwardedEvent } from "../destinations/types";

/** One stored value of a Property: coerced, or kept as it arrived with the reason it is invalid. */
export interface Slot {
  position: number;
  value: string | null;
  invalidValue: string | null;
  invalidReason: string | null;
  /** When this slot last took a different value (epoch ms). */
  changedAt: number;
}

/** What a Record's object keeps: every Property's slots by key, how many times it settled new values, and its calculated Groups. */
export interface RecordState {
  revision: number;
  slots: Record<string, Slot[]>;
  /** The calculated Groups the Record belonged in when it last settled. */
  groups?: string[];
  /** The manual Groups it is in, as last handed over after a change by hand. */
  manualGroups?: string[];
  /** What each Destination should hold for the Record, as last decided. */
  destinations?: Record<string, Decided>;
}

/** The definition a Record's object needs to store a Property's values. */
export interface PropertyShape {
  id: string;
  key: string;
  type: PropertyType;
  isArray: boolean;
}

/** A finished result for one Record: values for some Properties, and the Imports it settles. */
export interface RecordWork {
  tenantId: string;
  recordId: string;
  properties: PropertyShape[];
  /** Property key → raw values. Every key present is stored; an empty list clears the Property. */
  values: Record<string, unknown[]>;
  importIds: string[];
  /** Runs whose counters this work counts into. */
  runIds: string[];
  /** When the Record was created (epoch ms), for rules on created_at. */
  createdAt: number;
  /** The revision D1 holds for the Record: below the object's own, an earlier result never reached D1 and is written again. */
  storedRevision: number;
  /** The workspace's calculated Groups, which the object tests the Record against. */
  groups: CalculatedGroup[];
  /** The workspace's Destinations, for which the object decides Exports. */
  destinations: DestinationPlan[];
  /** The events the work's Imports carry, forwarded to the Destinations subscribing to them. */
  events?: ForwardedEvent[];
}

/** What settling one piece of work did, for the consumer to write to D1 in one batch with others. */
export interface SettledRecord {
  work: RecordWork;
  revision: number;
  outcome: "created" | "updated" | "unchanged";
  changes: PropertyChange[];
  /** The new slots of every changed Property, by key. */
  changedSlots: Record<string, Slot[]>;
  invalid: number;
  /** Whether the Record belongs in each calculated Group now. */
  verdicts: GroupVerdict[];
  /** The Exports the change calls for. */
  exports: ExportDecision[];
  /** The events to forward, each to a Destination holding the Record. */
  eventExports: EventExportDecision[];
}

const same = (a: Slot, b: Omit<Slot, "changedAt">) => a.value === b.value && a.invalidValue === b.invalidValue && a.invalidReason === b.invalidReason;
const shown = (slots: Slot[]) => slots.map((s) => s.value);

/** Coerces a Property's raw values into slots, keeping the time each slot last changed. */
function slotsFor(property: PropertyShape, raw: unknown[], before: Slot[], now: number): Slot[] {
  const values = property.isArray ? raw : raw.slice(0, 1);
  return values.map((value, position) => {
    const coerced = coerce(property.type, value);
    const slot = coerced.ok
      ? { position, value: coerced.value, invalidValue: null, invalidReason: null }
      : { position, value: null, invalidValue: typeof value === "string" ? value : JSON.stringify(value), invalidReason: coerced.reason };
    const old = before[position];
    return { ...slot, changedAt: old && same(old, slot) ? old.changedAt : now };
  });
}

/**
 * Applies work to a Record's state: the pure heart of its object. Returns the new state and what
 * changed; applying the same work twice changes nothing the second time.
 */
export function settle(state: RecordState, work: RecordWork, now: number): { state: RecordState; settled: SettledRecord } {
  const slots = { ...state.slots };
  const changes: PropertyChange[] = [];
  const changedSlots: Record<string, Slot[]> = {};
  let invalid = 0;
  for (const property of work.properties) {
    const raw = work.values[property.key];
    if (!raw) continue;
    const before = slots[property.key] ?? [];
    const next = slotsFor(property, raw, before, now);
    invalid += next.filter((s) => s.invalidReason).length;
    const differs = next.length !== before.length || next.some((slot, i) => !same(before[i]!, slot));
    if (differs) {
      changes.push({ key: property.key, before: shown(before), after: shown(next) });
      changedSlots[property.key] = next;
      slots[property.key] = next;
    }
  }
  // A result settled here before but never written (its consumer failed after settling) is written again whole.
  if (work.storedRevision < state.revision) {
    for (const [key, list] of Object.entries(slots)) changedSlots[key] ??= list;
  }
  const revision = state.revision + 1;
  // The object settling its first work is the Record's creation, however many attempts it took to get here.
  const outcome = state.revision === 0 ? "created" : changes.length ? "updated" : "unchanged";
  const verdicts = groupVerdicts(work.groups, ruleProperties(work.properties), { createdAt: work.createdAt, values: slots }, now);
  const groups = verdicts.filter((v) => v.member).map((v) => v.groupId);
  const record = decidingRecord(slots, [...groups, ...(state.manualGroups ?? [])]);
  const decided = decideExports(work.destinations, record, state.destinations ?? {}, revision, work.storedRevision);
  const eventExports = forwardEvents(work.destinations, record, work.events ?? []);
  return {
    state: { ...state, revision, slots, groups, destinations: decided.decided },
    settled: { work, revision, outcome, changes, changedSlots, invalid, verdicts, exports: decided.exports, eventExports },
  };
}

/** The Record as Export decisions read it: each Property's values (invalid ones as null) and its Groups. */
const decidingRecord = (slots: RecordState["slots"], groups: readonly string[]) => ({
  values: Object.fromEntries(Object.entries(slots).map(([key, list]) => [key, list.map((s) => s.value)])),
  groups: new Set(groups),
});

/** How a Record's calculated Groups moved, from its object's point of view. */
export interface MembershipMove {
  joined: string[];
  left: string[];
}

/** The Groups D1 holds a Record in, read when a hand-over runs, with the Record's revision there. */
export interface HeldMembership {
  calculated: string[];
  manual: string[];
  storedRevision: number;
}

/**
 * Takes the Groups D1 holds for a Record after a recalculation or a change by hand, and decides the
 * Exports that calls for. Manual Groups are always taken: only people change them. Calculated ones
 * are taken unless the object has settled newer work since D1 was read (it judged them itself,
 * later); `taken` says whether they were. Null when the object holds no Record.
 */
export function takeMembership(
  state: RecordState,
  held: HeldMembership,
  plans: readonly DestinationPlan[],
): { state: RecordState; taken: boolean; move: MembershipMove; exports: ExportDecision[] } {
  const taken = state.revision <= held.storedRevision;
  const calculated = taken ? [...new Set(held.calculated)].sort() : (state.groups ?? []);
  const manual = [...new Set(held.manual)].sort();
  const before = new Set(state.groups ?? []);
  const move = taken ? { joined: calculated.filter((g) => !before.has(g)), left: [...before].filter((g) => !calculated.includes(g)) } : { joined: [], left: [] };
  // Decisions at this revision are given again: if an earlier hand-over's write was lost, this one stores them.
  const decided = decideExports(plans, decidingRecord(state.slots, [...calculated, ...manual]), state.destinations ?? {}, state.revision, state.revision - 1);
  return { state: { ...state, groups: calculated, manualGroups: manual, destinations: decided.decided }, taken, move, exports: decided.exports };
}
