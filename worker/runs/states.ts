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
});
