import { DurableObject } from "cloudflare:workers";
import type { Env } from "../worker/env";
import { applyRecordWork, type RecordOutcome, type RecordWork } from "../worker/pipeline/apply-record";

/**
 * One object per Record, named "<workspace id>:<record id>". Everything that changes the Record
 * goes through `apply`, which runs one piece of work at a time; work that arrives while another is
 * running waits and is coalesced with anything else waiting, so nothing is lost and nothing is
 * written twice. See docs/decisions/005-import-pipeline.md.
 */
export class RecordObject extends DurableObject<Env> {
  private running: Promise<unknown> = Promise.resolve();
  private waiting: { work: RecordWork; done: Promise<RecordOutcome> } | null = null;

  apply(work: RecordWork): Promise<RecordOutcome> {
    if (this.waiting) {
      // Newer values win for the Properties both carry; every Import is marked processed by the merged work.
      const merged = this.waiting.work;
      Object.assign(merged.values, work.values);
      merged.importIds.push(...work.importIds.filter((id) => !merged.importIds.includes(id)));
      merged.runIds.push(...work.runIds.filter((id) => !merged.runIds.includes(id)));
      merged.created ||= work.created;
      return this.waiting.done;
    }
    const entry = { work: { ...work, values: { ...work.values }, importIds: [...work.importIds], runIds: [...work.runIds] } } as {
      work: RecordWork;
      done: Promise<RecordOutcome>;
    };
    entry.done = this.running.then(() => {
      if (this.waiting === entry) this.waiting = null;
      return applyRecordWork(this.env, entry.work);
    });
    this.waiting = entry;
    this.running = entry.done.catch(() => undefined);
    return entry.done;
  }
}

export const recordObjectName = (tenantId: string, recordId: string) => `${tenantId}:${recordId}`;
