import { DurableObject } from "cloudflare:workers";
import type { DestinationLimits } from "../plugins/contract";
import type { Env } from "../worker/env";
import { acquire, emptyPermits, release, type PermitState } from "../worker/exports/permits";

const STATE_KEY = "permits";

/**
 * One object per Destination, named "<workspace id>:<destination id>". It hands out send permits so
 * that every consumer together keeps within the plugin's requests per second and concurrency, and
 * holds everyone back after a Retry-After. Each Destination has its own, so one slow or throttled
 * Destination never holds up another. See docs/decisions/007-destinations-and-exports.md.
 */
export class DestinationObject extends DurableObject<Env> {
  private read(now: number): PermitState {
    return this.ctx.storage.kv.get<PermitState>(STATE_KEY) ?? emptyPermits(now);
  }

  /** A permit for one request (waitMs 0), or how long to wait before asking again. */
  async acquire(limits: DestinationLimits, leaseId: string): Promise<{ waitMs: number }> {
    const now = Date.now();
    const next = acquire(this.read(now), limits, now, leaseId);
    this.ctx.storage.kv.put(STATE_KEY, next.state);
    return { waitMs: next.waitMs };
  }

  async release(leaseId: string, retryAfterMs?: number): Promise<void> {
    const now = Date.now();
    this.ctx.storage.kv.put(STATE_KEY, release(this.read(now), leaseId, now, retryAfterMs));
  }
}

export const destinationObjectName = (tenantId: string, destinationId: string) => `${tenantId}:${destinationId}`;
