import { z } from "zod";

/**
 * HubSpot only takes an event by its fully qualified internal name: "pe", the account's id, an
 * underscore and the name the event was defined with (e.g. pe12345_cart_abandoned). These options
 * say which name each Groupflow event goes by there.
 */
const PREFIX = /^pe\d+_$/;
const QUALIFIED = /^pe\d+_[^\s=]+$/;
const QUALIFIED_EXAMPLE = "pe12345_abandoned_cart";

export interface EventNameOptions {
  /** Put before a Groupflow event's name to make HubSpot's, e.g. pe12345_ makes cart_abandoned pe12345_cart_abandoned. */
  eventNamePrefix?: string;
  /** One `groupflow_name = pe12345_hubspot_name` per line, for events defined in HubSpot under another name. */
  eventNameOverrides?: string;
}

type OverrideLine = { from: string; to: string } | { problem: string };

function overrideLines(text: string): OverrideLine[] {
  const read: OverrideLine[] = [];
  const seen = new Map<string, number>();
  for (const [index, raw] of text.split(/\r?\n/).entries()) {
    const line = index + 1;
    if (!raw.trim()) continue;
    const parts = raw.split("=").map((part) => part.trim());
    if (parts.length !== 2 || !parts[0] || !parts[1]) {
      read.push({ problem: `line ${line}: write a Groupflow event name, "=", then the HubSpot event's fully qualified name, e.g. cart_abandoned = ${QUALIFIED_EXAMPLE}` });
      continue;
    }
    const [from, to] = parts as [string, string];
    if (!QUALIFIED.test(to)) {
      read.push({ problem: `line ${line}: "${to}" is not a fully qualified HubSpot event name ("pe", the account id, "_" and the event's name, e.g. ${QUALIFIED_EXAMPLE})` });
    } else if (seen.has(from)) {
      read.push({ problem: `line ${line}: "${from}" already has a HubSpot name on line ${seen.get(from)}` });
    } else {
      seen.set(from, line);
      read.push({ from, to });
    }
  }
  return read;
}

/** A blank option is the same as none, so a form's empty field saves. */
const blankAsMissing = (value: unknown) => (typeof value === "string" && !value.trim() ? undefined : value);

export const eventNameOptionsShape = {
  eventNamePrefix: z.preprocess(
    blankAsMissing,
    z
      .string()
      .trim()
      .regex(PREFIX, 'must be "pe", the HubSpot account id and "_", e.g. pe12345_ (HubSpot shows it at the start of every event\'s internal name)')
      .optional(),
  ),
  eventNameOverrides: z.preprocess(
    blankAsMissing,
    z
      .string()
      .max(20_000, "must be at most 20,000 characters")
      .superRefine((text, ctx) => {
        for (const read of overrideLines(text)) if ("problem" in read) ctx.addIssue({ code: "custom", message: read.problem });
      })
      .optional(),
  ),
};

/** The HubSpot name of each Groupflow event name, or null when the options give it none. */
export function hubspotEventNames(options: EventNameOptions): (name: string) => string | null {
  const overrides = new Map<string, string>();
  for (const read of overrideLines(options.eventNameOverrides ?? "")) if ("to" in read) overrides.set(read.from, read.to);
  return (name) => overrides.get(name) ?? (options.eventNamePrefix ? `${options.eventNamePrefix}${name}` : null);
}
