import { WINDOW_UNIT_MS, type RelativeWindow } from "../contract";

/** How long an `in_last` window is. */
export const windowMs = (window: RelativeWindow) => window.amount * WINDOW_UNIT_MS[window.unit];

// Below 10^11 an epoch number can only be seconds (10^11 ms is 1973, 10^11 s is year 5138).
const EPOCH_SECONDS_BELOW = 1e11;

/**
 * The instant a row's value names, read as a date Property reads it (docs/property-types.md): a
 * Date, epoch seconds or milliseconds, or date text, taken as UTC when it carries no offset. Null
 * for anything else, so a row without a usable time never counts as recent.
 */
export function instantOf(value: unknown): number | null {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.getTime();
  if (typeof value === "bigint") return instantOf(Number(value));
  if (typeof value === "number") return Number.isFinite(value) ? (Math.abs(value) < EPOCH_SECONDS_BELOW ? value * 1000 : value) : null;
  if (typeof value !== "string") return null;
  const text = value.trim();
  let at: number;
  if (/^-?\d+(\.\d+)?$/.test(text)) return instantOf(Number(text));
  if (/^\d{4}-\d{2}-\d{2}$/.test(text)) at = Date.parse(`${text}T00:00:00Z`);
  else if (/^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(text)) at = Date.parse(`${text.replace(" ", "T")}Z`);
  else if (/^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}/.test(text)) at = Date.parse(text.replace(" ", "T").replace(/([+-]\d{2})$/, "$1:00"));
  else at = Date.parse(text);
  return Number.isNaN(at) ? null : at;
}

/** Whether a row's time lies in the window reaching back from `now`, both ends included. */
export function inWindow(value: unknown, window: RelativeWindow, now: number): boolean {
  const at = instantOf(value);
  return at !== null && at >= now - windowMs(window) && at <= now;
}
