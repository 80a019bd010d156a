import { utf8Bytes } from "./bytes";

/**
 * Password proofs for the two authentication methods MySQL and MariaDB use by default. Both prove
 * knowledge of the password against the server's one-time scramble without sending it.
 */
export const SUPPORTED_AUTH_PLUGINS = ["mysql_native_password", "caching_sha2_password"] as const;
export type AuthPlugin = (typeof SUPPORTED_AUTH_PLUGINS)[number];

export const isSupportedAuthPlugin = (name: string): name is AuthPlugin => (SUPPORTED_AUTH_PLUGINS as readonly string[]).includes(name);

async function digest(algorithm: "SHA-1" | "SHA-256", ...parts: Uint8Array[]): Promise<Uint8Array> {
  const joined = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    joined.set(part, offset);
    offset += part.length;
  }
  return new Uint8Array(await crypto.subtle.digest(algorithm, joined));
}

const xor = (a: Uint8Array, b: Uint8Array) => a.map((byte, i) => byte ^ b[i]!);

/** mysql_native_password: SHA1(password) XOR SHA1(scramble + SHA1(SHA1(password))). */
async function nativePasswordProof(password: Uint8Array, scramble: Uint8Array): Promise<Uint8Array> {
  const once = await digest("SHA-1", password);
  const twice = await digest("SHA-1", once);
  return xor(once, await digest("SHA-1", scramble, twice));
}

/** caching_sha2_password: SHA256(password) XOR SHA256(SHA256(SHA256(password)) + scramble). */
async function cachingSha2Proof(password: Uint8Array, scramble: Uint8Array): Promise<Uint8Array> {
  const once = await digest("SHA-256", password);
  const twice = await digest("SHA-256", once);
  return xor(once, await digest("SHA-256", twice, scramble));
}

/** The scramble is 20 bytes; servers often append a NUL that is not part of it. */
const scrambleOf = (data: Uint8Array) => data.subarray(0, 20);

export async function authProof(plugin: AuthPlugin, password: string, scramble: Uint8Array): Promise<Uint8Array> {
  // An empty password is sent as an empty proof by both methods.
  if (!password) return new Uint8Array(0);
  const secret = utf8Bytes(password);
  return plugin === "mysql_native_password" ? nativePasswordProof(secret, scrambleOf(scramble)) : cachingSha2Proof(secret, scrambleOf(scramble));
}
