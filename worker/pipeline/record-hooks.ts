import type { Env } from "../env";

/** What a Record's object tells the steps after hydration: which Record, and what changed on it. */
export interface RecordChanged {
  tenantId: string;
  recordId: string;
  changed: string[];
  created: boolean;
}

export type RecordHook = (env: Env, event: RecordChanged) => Promise<void>;

/**
 * The steps a Record's object runs after its values are stored, in order. Group membership and
 * export steps register here; a hook sees every hydration, including ones that changed nothing,
 * because time-relative rules can change a Record's standing without any value changing.
 */
export const RECORD_HOOKS: RecordHook[] = [];
