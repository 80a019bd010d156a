import { DurableObject } from "cloudflare:workers";
import type { Env } from "../worker/env";
import { settle, takeMembership, type MembershipMove, type RecordState, type RecordWork, type SettledRecord } from "../worker/pipeline/record-state";

const STATE_KEY = "state";

/**
 * One object per Record, named "<workspace id>:<record id>". Everything that changes the Record
 * goes through it: the object keeps the Record's current values, decides what changed, tests the
 * Record against every calculated Group, bumps the Record's revision and hands the result back for
 * the consumer to write to D1 in a batch with other Records (the writes carry the revision, so a
 * late write never wins). Recalculations, which judge many Records in D1 at once, hand it the
 * Groups it moved in or out of. Callers use its RPC methods. Settling reads and writes the object's own
 * storage synchronously, so concurrent work for one Record runs strictly one piece after another:
 * each sees the state the previous one left. See docs/decisions/005-import-pipeline.md and 006.
 */
export class RecordObject extends DurableObject<Env> {
  /** Forgets the Record (it was removed), so nothing it held can come back with a later Import. */
  async forget(): Promise<void> {
    await this.ctx.storage.deleteAll();
  }

  /** Settles one piece of work for the Record and returns what changed, for the caller to write to D1. */
  async settle(work: RecordWork): Promise<SettledRecord> {
    // The synchronous storage API: reading, settling and writing happen in one step that nothing can interleave with.
    const state = this.ctx.storage.kv.get<RecordState>(STATE_KEY) ?? { revision: 0, slots: {} };
    const next = settle(state, work, Date.now());
    this.ctx.storage.kv.put(STATE_KEY, next.state);
    return next.settled;
  }

  /**
   * Takes the calculated Groups a recalculation left the Record in, as D1 holds them at `storedRevision`.
   * A Record the object never settled (or forgot) has nothing to update; one it settled since keeps its own.
   */
  async takeMembership(groups: string[], storedRevision: number): Promise<MembershipMove | null> {
    const state = this.ctx.storage.kv.get<RecordState>(STATE_KEY);
    const taken = state ? takeMembership(state, groups, storedRevision) : null;
    if (!taken) return null;
    this.ctx.storage.kv.put(STATE_KEY, taken.state);
    return taken.move;
  }

  /** What the object holds now: its values, revision and the calculated Groups it last found itself in. */
  async current(): Promise<RecordState | null> {
    return this.ctx.storage.kv.get<RecordState>(STATE_KEY) ?? null;
  }
}

export const recordObjectName = (tenantId: string, recordId: string) => `${tenantId}:${recordId}`;
