import { exports } from "cloudflare:workers";
import { BASE } from "./api";

/** `sha256=<hex HMAC-SHA256 of body>`, as a sender computes the X-Groupflow-Signature header. */
export async function sign(secret: string, body: string): Promise<string> {
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(body)));
  return `sha256=${[...mac].map((b) => b.toString(16).padStart(2, "0")).join("")}`;
}

/** Posts to a webhook path the way another system would: no session, no API key, only what the headers say. */
async function post(path: string, body: string, headers: Record<string, string>) {
  const res = await exports.default.fetch(`${BASE}${path}`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

/** Delivers a webhook to a Source. */
export const deliver = (sourceId: string, body: string, headers: Record<string, string> = {}) => post(`/hooks/sources/${sourceId}`, body, headers);

/** Delivers `body` signed with `secret`. */
export async function deliverSigned(sourceId: string, secret: string, body: string, headers: Record<string, string> = {}) {
  return deliver(sourceId, body, { "x-groupflow-signature": await sign(secret, body), ...headers });
}

/** Delivers events to a workspace's events webhook, signed with `secret`. */
export async function deliverEventsSigned(tenantId: string, secret: string, body: string) {
  return post(`/hooks/events/${tenantId}`, body, { "x-groupflow-signature": await sign(secret, body) });
}
