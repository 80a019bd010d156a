import type { ExportState } from "../destinations/types";

/**
 * Where an Export may go from each state. `sending → pending` is a retry after a failed attempt;
 * `failed → pending` is a retry asked for by hand. Every update names the states it moves from.
 */
export const EXPORT_TRANSITIONS: Record<ExportState, readonly ExportState[]> = {
  pending: ["sending", "canceled"],
  sending: ["complete", "failed", "pending"],
  complete: [],
  failed: ["pending"],
  canceled: [],
};

/** The states an Export may move to `to` from, as a SQL list. */
export const statesBefore = (to: ExportState) =>
  (Object.keys(EXPORT_TRANSITIONS) as ExportState[])
    .filter((from) => EXPORT_TRANSITIONS[from].includes(to))
    .map((s) => `'${s}'`)
    .join(", ");

/** The first retry waits this long; each next one twice as long, so 10 attempts span about a day. */
export const FIRST_RETRY_MS = 3 * 60_000;

/** The first retry's wait this Worker uses: the setting when it is a sane number, else the default. */
export function firstRetryMs(setting: string | undefined): number {
  const ms = Number(setting);
  return setting && Number.isInteger(ms) && ms >= 100 ? ms : FIRST_RETRY_MS;
}

/**
 * When a failed attempt is tried again: exponential backoff with ±20% jitter (so Exports that failed
 * together do not all come back together), and never sooner than the outside system asked.
 */
export function retryDelayMs(attempts: number, retryAfterMs: number | undefined, random = Math.random(), firstMs = FIRST_RETRY_MS): number {
  const backoff = firstMs * 2 ** Math.max(0, attempts - 1) * (0.8 + 0.4 * random);
  return Math.round(Math.max(backoff, retryAfterMs ?? 0));
}

/**
 * SQL true for an Export (the row `exports`) that a newer change waiting for the same Record and
 * Destination replaces: it carries the whole payload. A forwarded event is news of its own, and
 * nothing replaces it.
 */
export const SUPERSEDED_BY_NEWER =
  "(exports.kind = 'record' and exists (select 1 from exports n where n.destination_id = exports.destination_id and n.record_id = exports.record_id and n.kind = 'record' and n.state = 'pending'))";
