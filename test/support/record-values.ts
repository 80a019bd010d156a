import { env } from "cloudflare:workers";
import type { Property } from "../../worker/db/schema";
import { settle, type RecordState } from "../../worker/pipeline/record-state";
import { writeSettled } from "../../worker/pipeline/write-settled";

/**
 * Stores values on a Record through the pipeline's own steps (settle, then the revision-guarded
 * write), keeping the state a Record's object would keep, so tests can give Records values
 * without a Source and a Run.
 */
export class RecordValues {
  private state: RecordState = { revision: 0, slots: {} };

  constructor(
    private readonly tenantId: string,
    private readonly recordId: string,
  ) {}

  /** With `history: false` no timeline entry is written, for scenes whose timeline a test sets itself. */
  async store(properties: Property[], values: Record<string, unknown[]>, now = new Date(), history = true) {
    const work = { tenantId: this.tenantId, recordId: this.recordId, properties, values, importIds: [], runIds: [], createdAt: 0, storedRevision: this.state.revision, groups: [], destinations: [] };
    const next = settle(this.state, work, now.getTime());
    this.state = next.state;
    await writeSettled(env.DB, this.tenantId, [history ? next.settled : { ...next.settled, changes: [] }], now.getTime());
    return next.settled;
  }
}

/** Stores values on a Record once, without a timeline entry, to set the scene for a test. */
export const storeValues = (tenantId: string, recordId: string, properties: Property[], values: Record<string, unknown[]>) =>
  new RecordValues(tenantId, recordId).store(properties, values, new Date(), false);
