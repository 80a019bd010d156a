import type { DestinationLimits } from "../../plugins/contract";

/**
 * One Destination's send permits: a token bucket refilled at the plugin's requests per second
 * (holding at most one second's worth), leases for requests in flight (expiring, so a consumer that
 * stops cannot hold one forever), and a pause after the outside system said when to come back.
 */
export interface PermitState {
  tokens: number;
  refilledAt: number;
  /** Lease id → when it lapses (epoch ms). */
  leases: Record<string, number>;
  pausedUntil: number;
}

/** How long a permit lasts if its holder never gives it back: longer than any send may take. */
export const LEASE_MS = 60_000;

/** A new bucket starts full (the first refill caps it at one second's worth). */
export const emptyPermits = (now: number): PermitState => ({ tokens: Number.MAX_SAFE_INTEGER, refilledAt: now, leases: {}, pausedUntil: 0 });

function refilled(state: PermitState, limits: DestinationLimits, now: number): PermitState {
  const capacity = Math.max(1, limits.requestsPerSecond);
  const tokens = Math.min(capacity, state.tokens + ((now - state.refilledAt) / 1000) * limits.requestsPerSecond);
  const leases = Object.fromEntries(Object.entries(state.leases).filter(([, until]) => until > now));
  return { ...state, tokens, refilledAt: now, leases };
}

/** A permit now, or how long to wait before asking again. */
export function acquire(state: PermitState, limits: DestinationLimits, now: number, leaseId: string): { state: PermitState; waitMs: number } {
  const s = refilled(state, limits, now);
  const waits = [s.pausedUntil - now];
  if (s.tokens < 1) waits.push(Math.ceil(((1 - s.tokens) / limits.requestsPerSecond) * 1000));
  const held = Object.values(s.leases);
  // A full house frees up as requests finish; asking again soon is cheap for the object.
  if (held.length >= limits.concurrency) waits.push(Math.min(50, Math.min(...held) - now));
  const waitMs = Math.max(0, ...waits);
  if (waitMs > 0) return { state: s, waitMs };
  return { state: { ...s, tokens: s.tokens - 1, leases: { ...s.leases, [leaseId]: now + LEASE_MS } }, waitMs: 0 };
}

/** Gives a permit back; a `retryAfterMs` from the outside system holds everyone back that long. */
export function release(state: PermitState, leaseId: string, now: number, retryAfterMs?: number): PermitState {
  const { [leaseId]: _released, ...leases } = state.leases;
  const pausedUntil = retryAfterMs ? Math.max(state.pausedUntil, now + retryAfterMs) : state.pausedUntil;
  return { ...state, leases, pausedUntil };
}
