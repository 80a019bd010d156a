/** The shapes of Schedules, Runs and Records, as the API returns them. */
import type { RunCounters, RunState } from "../../../worker/runs/states";

export { RUN_STATES, type RunCounters, type RunState } from "../../../worker/runs/states";

export interface Schedule {
  id: string;
  sourceId: string;
  name: string;
  /** null: the Schedule runs only when someone starts it. */
  everyMinutes: number | null;
  incrementalColumn: string | null;
  confirmRecords: boolean;
  removeMissing: boolean;
  nextRunAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface Run {
  id: string;
  /** A Schedule's Run reads its Source; a Group's recalculation has neither and names its Group. */
  scheduleId: string | null;
  sourceId: string | null;
  groupId: string | null;
  state: RunState;
  reason: string | null;
  trigger: string;
  incremental: boolean;
  counters: RunCounters;
  percentComplete: number;
  rowsTotal: number | null;
  readComplete: boolean;
  startedAt: string | null;
  finishedAt: string | null;
  createdAt: string;
}

/** Draft and running Runs can still change, so pages showing them keep refreshing and offer Stop. */
export const isUnfinished = (run: Run) => run.state === "draft" || run.state === "running";

export type RecordValue = string | null | (string | null)[];

export interface RecordSummary {
  id: string;
  createdAt: string;
  updatedAt: string;
  /** When a confirming Run first no longer found the Record's row in its Source; null while it is there. */
  missingSince: string | null;
  properties: Record<string, RecordValue>;
}

export interface RecordProperty {
  key: string;
  type: string;
  isArray: boolean;
  values: (string | null)[];
  invalidValue: string | null;
  invalidReason: string | null;
  /** null when the Record has never held this Property. */
  state: "pending" | "ready" | null;
  valueChangedAt: string | null;
  confirmedAt: string | null;
}

export interface PropertyChange {
  key: string;
  before: (string | null)[];
  after: (string | null)[];
}

export type TimelineEntry =
  | { kind: "import"; id: string; via: string; sourceId: string | null; runId: string | null; state: string; error: string | null; at: string }
  | { kind: "change"; id: string; changes: PropertyChange[]; runId: string | null; at: string }
  | { kind: "audit"; id: string; action: string; actorType: string; at: string }
  | { kind: "event"; id: string; name: string; data: Record<string, unknown>; appliedKeys: string[]; at: string };

export interface RecordDetail {
  id: string;
  createdAt: string;
  updatedAt: string;
  missingSince: string | null;
  properties: RecordProperty[];
  identities: { key: string; value: string }[];
  timeline: TimelineEntry[];
}

export const MATCH_MODES = ["equals", "contains", "starts_with"] as const;

/** A value as a person reads it: lists joined, nothing held shown as a dash. */
export function showValue(value: RecordValue): string {
  if (Array.isArray(value)) return value.length ? value.map((v) => v ?? "—").join(", ") : "—";
  return value ?? "—";
}
