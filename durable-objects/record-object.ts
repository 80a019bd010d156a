import { DurableObject } from "cloudflare:workers";
import type { Env } from "../worker/env";
import type { Decided, DestinationPlan, ExportDecision } from "../worker/destinations/decide";
import type { ExportPayload } from "../worker/destinations/types";
import { settle, takeMembership, type HeldMembership, type MembershipMove, type RecordState, type RecordWork, type SettledRecord } from "../worker/pipeline/record-state";

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
   * Takes the Groups D1 holds the Record in after a recalculation or a change by hand, and returns the
   * Exports that calls for. A Record the object never settled (or forgot) has nothing to update.
   */
  async takeMembership(held: HeldMembership, plans: DestinationPlan[]): Promise<{ taken: boolean; move: MembershipMove; exports: ExportDecision[]; revision: number } | null> {
    const state = this.ctx.storage.kv.get<RecordState>(STATE_KEY);
    if (!state) return null;
    const next = takeMembership(state, held, plans);
    this.ctx.storage.kv.put(STATE_KEY, next.state);
    return { taken: next.taken, move: next.move, exports: next.exports, revision: next.state.revision };
  }

  /**
   * Forgets what it decided a Destination should hold, after the Export carrying that decision failed
   * for good: the Destination never got it, so the Record's next change sends the whole payload again.
   * A decision made after the failed one stands. The count of decisions is kept, so a later decision
   * at the same revision can never rebuild an earlier Export's id.
   */
  async forgetExport(destinationId: string, revision: number): Promise<void> {
    const state = this.ctx.storage.kv.get<RecordState>(STATE_KEY);
    const decided = state?.destinations?.[destinationId];
    if (!state || !decided || decided.revision > revision) return;
    const forgotten: Decided = { payload: null, before: null, revision: decided.revision, seq: decided.seq };
    this.ctx.storage.kv.put(STATE_KEY, { ...state, destinations: { ...state.destinations, [destinationId]: forgotten } });
  }

  /**
   * Learns that an Export it had forgotten (it failed, then a person retried it) arrived after all:
   * the Destination holds its payload, so a later change is compared with it and leaving removes it.
   * A decision made since then stands.
   */
  async rememberExport(destinationId: string, revision: number, payload: ExportPayload | null): Promise<void> {
    const state = this.ctx.storage.kv.get<RecordState>(STATE_KEY);
    if (!state) return;
    const decided = state.destinations?.[destinationId];
    if (decided && (decided.revision > revision || decided.payload !== null)) return;
    const remembered: Decided = { payload, before: null, revision, seq: decided?.seq ?? 0 };
    this.ctx.storage.kv.put(STATE_KEY, { ...state, destinations: { ...state.destinations, [destinationId]: remembered } });
  }

  /** What the object holds now: its values, revision and the calculated Groups it last found itself in. */
  async current(): Promise<RecordState | null> {
    return this.ctx.storage.kv.get<RecordState>(STATE_KEY) ?? null;
  }
}

export const recordObjectName = (tenantId: string, recordId: string) => `${tenantId}:${recordId}`;
