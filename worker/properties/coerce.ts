import type { PropertyType } from "./types";

/**
 * Turns whatever a Source or an Import delivered into the canonical text stored for a Property
 * type. The rules are written down in docs/property-types.md; a value that cannot be coerced is
 * kept as invalid with a reason and never fails its Record.
 */
export type Coerced = { ok: true; value: string | null } | { ok: false; reason: string };

const MAX_STRING = 10_000;
const TRUE_WORDS = new Set(["true", "t", "yes", "y", "1", "on"]);
const FALSE_WORDS = new Set(["false", "f", "no", "n", "0", "off"]);
// Deliberately simple: one @, a dot in the domain, no spaces. Full RFC 5322 accepts addresses no mail tool does.
const EMAIL = /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/;

const invalid = (reason: string): Coerced => ({ ok: false, reason });
const valid = (value: string): Coerced => ({ ok: true, value });

function asText(raw: unknown): string | null {
  if (raw === null || raw === undefined) return null;
  if (raw instanceof Date) return Number.isNaN(raw.getTime()) ? "Invalid Date" : raw.toISOString();
  if (typeof raw === "object") return JSON.stringify(raw);
  return String(raw);
}

function coerceNumber(raw: unknown, integer: boolean): Coerced {
  const text = typeof raw === "number" ? String(raw) : asText(raw)!.trim().replace(/_/g, "");
  if (!/^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(text)) return invalid(`"${text}" is not a number`);
  const n = Number(text);
  if (!Number.isFinite(n)) return invalid(`"${text}" is out of range`);
  if (!integer) return valid(String(n));
  if (!Number.isInteger(n)) return invalid(`"${text}" is not a whole number`);
  if (!Number.isSafeInteger(n)) return invalid(`"${text}" is too large for an integer`);
  return valid(String(n));
}

function coerceBoolean(raw: unknown): Coerced {
  if (typeof raw === "boolean") return valid(String(raw));
  const word = asText(raw)!.trim().toLowerCase();
  if (TRUE_WORDS.has(word)) return valid("true");
  if (FALSE_WORDS.has(word)) return valid("false");
  return invalid(`"${word}" is not a yes/no value`);
}

function coerceDate(raw: unknown): Coerced {
  let date: Date;
  if (raw instanceof Date) date = raw;
  else if (typeof raw === "number") {
    // Epoch numbers: below 10^11 they can only be seconds (10^11 ms is 1973, 10^11 s is year 5138).
    date = new Date(Math.abs(raw) < 1e11 ? raw * 1000 : raw);
  } else {
    const text = asText(raw)!.trim();
    if (/^\d{4}-\d{2}-\d{2}$/.test(text)) date = new Date(`${text}T00:00:00Z`);
    else if (/^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(text)) date = new Date(`${text.replace(" ", "T")}Z`);
    else if (/^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}/.test(text)) date = new Date(text.replace(" ", "T").replace(/([+-]\d{2})$/, "$1:00"));
    else if (/^-?\d+(\.\d+)?$/.test(text)) return coerceDate(Number(text));
    else date = new Date(text);
  }
  if (Number.isNaN(date.getTime())) return invalid(`"${asText(raw)}" is not a date`);
  return valid(date.toISOString());
}

function coerceEmail(raw: unknown): Coerced {
  const text = asText(raw)!.trim().toLowerCase();
  if (text.length > 254 || !EMAIL.test(text)) return invalid(`"${text}" is not an email address`);
  return valid(text);
}

function coercePhone(raw: unknown): Coerced {
  const text = asText(raw)!.trim();
  if (!/^[+\d\s().\-/]+$/.test(text) || (text.match(/\+/g) ?? []).length > 1 || text.indexOf("+") > 0) {
    return invalid(`"${text}" is not a phone number`);
  }
  let digits = text.replace(/\D/g, "");
  const international = text.startsWith("+") || digits.startsWith("00");
  if (!text.startsWith("+") && digits.startsWith("00")) digits = digits.slice(2);
  if (digits.length < 7 || digits.length > 15) return invalid(`"${text}" has ${digits.length} digits; a phone number has 7 to 15`);
  return valid(international ? `+${digits}` : digits);
}

function coerceUrl(raw: unknown): Coerced {
  const text = asText(raw)!.trim();
  let url: URL;
  try {
    url = new URL(/^[a-z][a-z0-9+.-]*:/i.test(text) ? text : `https://${text}`);
  } catch {
    return invalid(`"${text}" is not a URL`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return invalid(`"${text}" is not an http(s) URL`);
  if (!url.hostname.includes(".") && url.hostname !== "localhost") return invalid(`"${text}" has no domain`);
  return valid(url.href);
}

export function coerce(type: PropertyType, raw: unknown): Coerced {
  if (raw === null || raw === undefined) return { ok: true, value: null };
  if (typeof raw === "string" && raw.trim() === "" && type !== "string") return { ok: true, value: null };
  switch (type) {
    case "string": {
      const text = asText(raw)!;
      return text.length > MAX_STRING ? invalid(`text is ${text.length} characters; at most ${MAX_STRING}`) : valid(text);
    }
    case "integer":
      return coerceNumber(raw, true);
    case "float":
      return coerceNumber(raw, false);
    case "boolean":
      return coerceBoolean(raw);
    case "date":
      return coerceDate(raw);
    case "email":
      return coerceEmail(raw);
    case "phone":
      return coercePhone(raw);
    case "url":
      return coerceUrl(raw);
  }
}
