import type { Unit } from "./tree";

const DAY = 86_400_000;

function daysInMonth(year: number, month: number) {
  const d = new Date(0);
  d.setUTCFullYear(year, month + 1, 0);
  return d.getUTCDate();
}

/**
 * Moves an instant by whole calendar units in UTC. Months and years keep the day of the month,
 * clamped to the target month's last day (31 March minus a month is 28 or 29 February), so "in
 * the last month" means the same window whichever compiler asks.
 */
export function shiftTime(at: number, amount: number, unit: Unit): number {
  if (unit === "days") return at + amount * DAY;
  if (unit === "weeks") return at + amount * 7 * DAY;
  const months = unit === "years" ? amount * 12 : amount;
  const d = new Date(at);
  const day = d.getUTCDate();
  d.setUTCDate(1);
  d.setUTCMonth(d.getUTCMonth() + months);
  d.setUTCDate(Math.min(day, daysInMonth(d.getUTCFullYear(), d.getUTCMonth())));
  return d.getTime();
}

/** The inclusive window a relative rule names: the last `amount` units up to now, or the next ones from now. */
export function relativeWindow(direction: "last" | "next", amount: number, unit: Unit, now: number): { from: number; to: number } {
  return direction === "last" ? { from: shiftTime(now, -amount, unit), to: now } : { from: now, to: shiftTime(now, amount, unit) };
}
