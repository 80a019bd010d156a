import { eq } from "drizzle-orm";
import type { Actor } from "../context";
import { appSecretBox } from "../crypto/app-secrets";
import type { Database } from "../db/client";
import { sources, type Source } from "../db/schema";
import type { TenantScope } from "../db/tenant-scope";
import type { Env } from "../env";
import { ApiError } from "../errors";
import { SECRET_MASK } from "./apps";
import { auditEntry } from "./audit-log";
import { findSource, webhookPath } from "./sources";

/** `sha256=` and the hex HMAC-SHA256 of the raw request body, keyed with the Source's secret as shown. */
export const SIGNATURE_HEADER = "X-Groupflow-Signature";
const SIGNATURE = /^sha256=([0-9a-f]{64})$/i;

const toHex = (bytes: Uint8Array) => [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
const fromHex = (hex: string) => Uint8Array.from(hex.match(/../g)!, (pair) => parseInt(pair, 16));

/**
 * Gives a Source a new webhook secret, replacing any old one at once, and returns it: this is the
 * only time it is shown. It is sealed like App secrets, bound to the workspace.
 */
export async function rotateWebhookSecret(scope: TenantScope, env: Env, actor: Actor, requestId: string, sourceId: string) {
  const source = await findSource(scope, sourceId);
  const { secret, sealed } = await newWebhookSecret(env, scope.tenantId);
  await scope.db.batch([
    scope.update(sources, { sealedWebhookSecret: sealed, updatedAt: new Date() }, eq(sources.id, sourceId)),
    auditEntry(scope, actor, requestId, {
      action: "source.webhook_secret",
      targetType: "source",
      targetId: sourceId,
      before: { webhookSecret: source.sealedWebhookSecret === null ? null : SECRET_MASK },
      after: { webhookSecret: SECRET_MASK },
    }),
  ]);
  return { secret, url: webhookPath(sourceId) };
}

/**
 * The Source a webhook delivery is for, once its signature checks out. Every failure is the same
 * 401, so a caller without the secret cannot tell an unknown Source from a wrong signature.
 */
export async function verifiedWebhookSource(db: Database, env: Env, sourceId: string, signatureHeader: string | undefined, body: ArrayBuffer): Promise<Source> {
  // The one read not confined to a workspace: the delivery names no workspace, its Source's row does.
  const [source] = await db.select().from(sources).where(eq(sources.id, sourceId)).limit(1);
  await verifySignature(env, source ? { sealed: source.sealedWebhookSecret, tenantId: source.tenantId } : null, signatureHeader, body);
  return source!;
}

/** A new webhook secret, as shown once, and sealed for storage, bound to the workspace. */
export async function newWebhookSecret(env: Env, tenantId: string) {
  const secret = `whsec_${toHex(crypto.getRandomValues(new Uint8Array(32)))}`;
  return { secret, sealed: await (await appSecretBox(env)).seal(secret, tenantId) };
}

/**
 * Checks a delivery's signature against a sealed secret. Every failure (nothing to check against,
 * no signature, a wrong one) is the same 401, so a caller without the secret learns nothing.
 */
export async function verifySignature(env: Env, holder: { sealed: string | null; tenantId: string } | null, signatureHeader: string | undefined, body: ArrayBuffer) {
  const refused = new ApiError("unauthenticated", "The webhook signature is missing or does not match");
  const signature = SIGNATURE.exec(signatureHeader ?? "")?.[1];
  if (!signature || !holder?.sealed) throw refused;
  const secret = await (await appSecretBox(env)).open(holder.sealed, holder.tenantId);
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["verify"]);
  // verify compares in constant time, so timing reveals nothing of the expected signature.
  if (!(await crypto.subtle.verify("HMAC", key, fromHex(signature), body))) throw refused;
}
