import { inCollection, payloadFor, type DecidingRecord, type DestinationPlan } from "./decide";
import type { ExportPayload, ForwardedEvent } from "./types";

/** One event to forward to one Destination, with the Record's mapped fields as they are once the event was applied. */
export interface EventExportDecision {
  destinationId: string;
  event: ForwardedEvent;
  payload: ExportPayload;
}

/** Whether a Destination subscribes to an event name: an exact name, or a prefix ending in `*` (`*` alone takes every event). */
export const subscribesTo = (patterns: readonly string[], name: string) => patterns.some((p) => (p.endsWith("*") ? name.startsWith(p.slice(0, -1)) : p === name));

/**
 * The forwards a Record's events call for: each event, to each Destination subscribing to its name
 * that holds the Record in its collection now, after the event's own Property changes have settled.
 */
export function forwardEvents(plans: readonly DestinationPlan[], record: DecidingRecord, events: readonly ForwardedEvent[]): EventExportDecision[] {
  const forwards: EventExportDecision[] = [];
  for (const plan of plans) {
    if (!plan.eventNames.length || !inCollection(plan, record)) continue;
    const subscribed = events.filter((e) => subscribesTo(plan.eventNames, e.name));
    if (!subscribed.length) continue;
    const payload = payloadFor(plan, record);
    for (const event of subscribed) forwards.push({ destinationId: plan.id, event, payload });
  }
  return forwards;
}
