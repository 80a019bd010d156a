const ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz";

/** Crockford-style base32 from the platform CSPRNG: ids are unguessable, so knowing one tells nothing of another. */
export function randomBase32(length: number): string {
  const bytes = crypto.getRandomValues(new Uint8Array(length));
  let out = "";
  for (const b of bytes) out += ALPHABET[b & 31];
  return out;
}

export type IdPrefix = "ten" | "usr" | "mem" | "ses" | "inv" | "key" | "aud" | "app" | "src" | "prp" | "rec" | "rpv" | "fil" | "sch" | "run";

export const newId = (prefix: IdPrefix) => `${prefix}_${randomBase32(24)}`;
