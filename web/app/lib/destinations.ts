/** The shapes of Destinations and their Exports, as the API returns them. */

import type { DestinationFields } from "../../../plugins/contract";
import type { DryRunChange, ExportKind, ExportPayload, ExportState, ForwardedEvent, SyncMode, TimelineRange } from "../../../worker/destinations/types";
import type { OptionSpec } from "./models";
import type { Run } from "./runs";

export { SYNC_MODES, type DryRunChange, type ExportPayload, type ExportState, type ForwardedEvent, type SyncMode, type TimelineRange } from "../../../worker/destinations/types";
export type { RemoteField, RemoteFieldType } from "../../../plugins/contract";

export interface MappingRow {
  remote: string;
  /** The Property's key, or null when the Property it named has been deleted. */
  property: string | null;
}

export interface GroupList {
  groupId: string;
  remote: string;
}

/** A Destination as the API lists it. */
export interface Destination {
  id: string;
  appId: string;
  name: string;
  type: string;
  options: Record<string, unknown>;
  groupId: string | null;
  syncMode: SyncMode;
  mapping: MappingRow[];
  groupLists: GroupList[];
  /** Off, the Destination only receives the events it subscribes to. */
  sendRecords: boolean;
  /** Event names forwarded there: exact, or prefixes ending in `*`. */
  eventNames: string[];
  configVersion: number;
  exports?: Record<ExportState, number>;
  /** Shown on one Destination, not in the list: the sync that last walked (or is walking) its Records. */
  latestSync?: Run | null;
  createdAt: string;
  updatedAt: string;
}

export interface DestinationTypeInfo {
  type: string;
  displayName: string;
  description: string;
  options: OptionSpec[];
  /** Whether it can subscribe to events. */
  forwardsEvents: boolean;
}

/** The states in the order they are drawn: what arrived first, then what is on its way, then what did not make it. */
export const EXPORT_STATES = ["complete", "sending", "pending", "failed", "canceled"] as const satisfies readonly ExportState[];

/** How each state is drawn: green sent, blue on its way, amber waiting, red failed, grey canceled. */
export const EXPORT_STATE_COLORS: Record<ExportState, string> = {
  complete: "#2f9e66",
  sending: "#3b63d9",
  pending: "#d9a21b",
  failed: "#d64545",
  canceled: "#a0a4ad",
};

export const SYNC_MODE_WORDS: Record<SyncMode, string> = {
  sync: "sync: creates, updates and removes",
  additive: "additive: creates and updates",
  enrich: "enrich: updates what is there",
};

export interface Export {
  id: string;
  destinationId: string;
  recordId: string;
  kind: ExportKind;
  /** For a forwarded event: the event; `newValues` then holds the Record's fields sent with it. */
  event: ForwardedEvent | null;
  state: ExportState;
  toDelete: boolean;
  oldValues: ExportPayload | null;
  newValues: ExportPayload;
  attempts: number;
  nextAttemptAt: string | null;
  response: Record<string, unknown> | null;
  error: string | null;
  reason: string | null;
  createdAt: string;
  updatedAt: string;
  finishedAt: string | null;
  /** When a person last sent it again after it failed. */
  retriedAt: string | null;
}

/** What a Destination holds for one Record, as last sent successfully. */
export interface Holding {
  recordId: string;
  payload: ExportPayload;
  remoteId: string | null;
  sentAt: string;
}

export type TimelineSlot = { start: string } & Record<ExportState, number>;

export const TIMELINE_RANGES = ["24h", "7d", "30d"] as const satisfies readonly TimelineRange[];

export interface ExportTimeline {
  range: TimelineRange;
  slotMs: number;
  slots: TimelineSlot[];
}

export interface DryRun {
  create: number;
  update: number;
  delete: number;
  unchanged: number;
  sample: DryRunChange[];
}

/** What a Destination's mapping may use: its fields and lists, and the workspace's Properties. */
export type MappingOptions = DestinationFields & { properties: { key: string; type: string; array: boolean }[] };
