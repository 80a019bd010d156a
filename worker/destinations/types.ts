import { z } from "zod";

/**
 * sync: create, update, and remove Records that leave the collection; additive: create and update
 * only; enrich: update Records the outside system already has, never create.
 */
export const SYNC_MODES = ["sync", "additive", "enrich"] as const;
export type SyncMode = (typeof SYNC_MODES)[number];

/** A remote field filled from a Property, stored by the Property's id so renaming its key changes nothing. */
export interface FieldMapping {
  remote: string;
  propertyId: string;
  /** What the field does with an array Property, from the Destination's field (a list, for fields it does not list). */
  arrays: "first" | "join" | "list";
}

/** A Group whose members carry a remote list or tag. */
export interface GroupListMapping {
  groupId: string;
  remote: string;
}

/** What one Record should look like in one Destination: its mapped fields and the remote lists it is on. */
const scalar = z.union([z.string(), z.number(), z.boolean()]);
/** A field's value: one value, a list (array Properties), or null when the Record has no valid value. */
export const fieldValueSchema = z.union([scalar, z.array(scalar), z.null()]);
export type FieldValue = z.infer<typeof fieldValueSchema>;

export const exportPayloadSchema = z.object({
  fields: z.record(z.string(), fieldValueSchema),
  lists: z.array(z.string()),
});
export type ExportPayload = z.infer<typeof exportPayloadSchema>;

/** An event as forwarded: what happened, when, and the data it carried. */
export interface ForwardedEvent {
  id: string;
  name: string;
  occurredAt: string;
  data: Record<string, unknown>;
}

/** A Record's change, or an event forwarded with the Record's fields attached. */
export type ExportKind = "record" | "event";

export const EXPORT_STATES = ["pending", "sending", "complete", "failed", "canceled"] as const;
export type ExportState = (typeof EXPORT_STATES)[number];

/** What a sync would do for one Record, as a dry run shows it: each field and list that would change. */
export interface DryRunChange {
  recordId: string;
  action: "create" | "update" | "delete";
  /** Each field and list that would change, with what the Destination holds and what it would be sent. */
  fields: Record<string, { before?: FieldValue; after?: FieldValue }>;
  lists: { add: string[]; remove: string[] };
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** The spans a Destination's Exports can be charted over, each cut into slots of a readable size. */
export const TIMELINE_RANGES = {
  "24h": { slotMs: HOUR, slots: 24 },
  "7d": { slotMs: DAY, slots: 7 },
  "30d": { slotMs: DAY, slots: 30 },
} as const;
export type TimelineRange = keyof typeof TIMELINE_RANGES;
