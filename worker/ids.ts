const ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz";

/** Crockford-style base32 from the platform CSPRNG: ids are unguessable, so knowing one tells nothing of another. */
export function randomBase32(length: number): string {
  const bytes = crypto.getRandomValues(new Uint8Array(length));
  let out = "";
  for (const b of bytes) out += ALPHABET[b & 31];
  return out;
}

export type IdPrefix = "ten" | "usr" | "mem" | "ses" | "inv" | "key" | "aud" | "app" | "src" | "prp" | "rec" | "rpv" | "fil" | "sch" | "run" | "imp" | "chg" | "dlq" | "grp" | "dst" | "exp" | "evt";

export const newId = (prefix: IdPrefix) => `${prefix}_${randomBase32(24)}`;

/**
 * The same id for the same parts, unguessable without them: lets a redelivered message or a
 * retried request name the row it already wrote, so inserting it again does nothing.
 */
export async function derivedId(prefix: IdPrefix, ...parts: string[]): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(parts.join("\u0000"))));
  let out = "";
  for (const b of digest.subarray(0, 24)) out += ALPHABET[b & 31];
  return `${prefix}_${out}`;
}
