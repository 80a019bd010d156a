/**
 * Deliveries are signed like Stripe's webhooks: the header carries the time and an HMAC-SHA256 of
 * `<time>.<body>` under the App's secret, so a receiver can check both who sent the body and that it
 * is fresh (refusing old times stops a captured delivery being replayed).
 */
export const SIGNATURE_HEADER = "Groupflow-Signature";

const hex = (bytes: ArrayBuffer) => [...new Uint8Array(bytes)].map((b) => b.toString(16).padStart(2, "0")).join("");

export async function signatureOf(secret: string, timestamp: number, body: string): Promise<string> {
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  return hex(await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(`${timestamp}.${body}`)));
}

/** The header value for a body sent at `timestamp` (seconds since the epoch). */
export async function signatureHeader(secret: string, timestamp: number, body: string): Promise<string> {
  return `t=${timestamp},v1=${await signatureOf(secret, timestamp, body)}`;
}
