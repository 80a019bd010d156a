import { exports } from "cloudflare:workers";
import { BASE } from "./api";

/** `sha256=<hex HMAC-SHA256 of body>`, as a sender computes the X-Groupflow-Signature header. */
export async function sign(secret: string, body: string): Promise<string> {
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(body)));
  return `sha256=${[...mac].map((b) => b.toString(16).padStart(2, "0")).join("")}`;
}

/** Delivers a webhook the way another system would: no session, no API key, only the signature. */
export async function deliver(sourceId: string, body: string, headers: Record<string, string> = {}) {
  const res = await exports.default.fetch(`${BASE}/hooks/sources/${sourceId}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body,
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

/** Delivers `body` signed with `secret`. */
export async function deliverSigned(sourceId: string, secret: string, body: string, headers: Record<string, string> = {}) {
  return deliver(sourceId, body, { "x-groupflow-signature": await sign(secret, body), ...headers });
}
