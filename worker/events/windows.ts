import type { PropertyFilter } from "../../plugins/contract";
import { windowMs } from "../../plugins/shared/time-window";

/** The events column a window can be followed on through the (tenant, occurred-at) index. */
export const OCCURRED_AT = "occurred_at";

/** What time alone changes in a Property of the events Source: how far back it counts, and which events. */
export interface WatchedWindow {
  ms: number;
  /** The event names it counts, or null when it may count any event. */
  names: string[] | null;
}

/**
 * The window over `occurred_at` that a Property's filters (its Source's and its own) count events
 * in, or null when they have none. With several, the narrowest decides when an event stops
 * counting. A window on a data key is applied whenever the Record is read, but time alone does not
 * bring it up to date: that time lives inside each event's data, out of reach of an index.
 */
export function watchedWindow(filters: PropertyFilter[]): WatchedWindow | null {
  const windows = filters.flatMap((f) => (f.op === "in_last" && f.column === OCCURRED_AT ? [windowMs(f.value)] : []));
  if (!windows.length) return null;
  // The events Source reads only these names too (namesRead); any other name filter only narrows further.
  const byName = filters.find((f) => f.column === "name" && (f.op === "eq" || f.op === "in"));
  const names = byName ? (Array.isArray(byName.value) ? byName.value : [byName.value]).map(String) : null;
  return { ms: Math.min(...windows), names };
}
