/** A Run's life, declared as data: which state may follow which. */
export const RUN_STATES = ["draft", "running", "complete", "failed", "stopped"] as const;
export type RunState = (typeof RUN_STATES)[number];

export const RUN_TRANSITIONS: Record<RunState, readonly RunState[]> = {
  draft: ["running", "stopped", "failed"],
  running: ["complete", "failed", "stopped"],
  complete: [],
  failed: [],
  stopped: [],
};

/** What started a Run: a Schedule or a person; for a Group's recalculation, new rules, a changed Property or the passing of time; for a Destination's sync, its new definition. */
export type RunTrigger = "schedule" | "manual" | "rules" | "property" | "time" | "destination";

export const UNFINISHED: readonly RunState[] = ["draft", "running"];

export const canMove = (from: RunState, to: RunState) => RUN_TRANSITIONS[from].includes(to);

export interface RunCounters {
  rowsRead: number;
  importsCreated: number;
  recordsCreated: number;
  recordsUpdated: number;
  recordsUnchanged: number;
  invalidValues: number;
  errors: number;
  /** Records of the Source a confirming Run did not see (its Schedule's confirmRecords). */
  recordsMissing: number;
  /** Of those, how many were removed (its Schedule's removeMissing). */
  recordsRemoved: number;
  /** A recalculation's Records that joined its Group. */
  membersJoined: number;
  /** A recalculation's Records that left its Group. */
  membersLeft: number;
  /** Exports a Destination's sync Run had Records' objects decide. */
  exportsCreated: number;
}

export const emptyCounters = (): RunCounters => ({
  rowsRead: 0,
  importsCreated: 0,
  recordsCreated: 0,
  recordsUpdated: 0,
  recordsUnchanged: 0,
  invalidValues: 0,
  errors: 0,
  recordsMissing: 0,
  recordsRemoved: 0,
  membersJoined: 0,
  membersLeft: 0,
  exportsCreated: 0,
});
