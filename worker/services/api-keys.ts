import { and, desc, eq, isNull } from "drizzle-orm";
import { scopesAllow, type ApiScope } from "../auth/scopes";
import { sha256Hex, timingSafeEqualHex } from "../auth/tokens";
import type { Actor } from "../context";
import type { Database } from "../db/client";
import { apiKeys, type ApiKey } from "../db/schema";
import type { TenantScope } from "../db/tenant-scope";
import { ApiError, notFound } from "../errors";
import { newId, randomBase32 } from "../ids";
import { auditEntry } from "./audit-log";

const KEY_FORMAT = /^gf_live_([0-9a-z]{10})_([0-9a-z]{32})$/;
/** last_used_at is a hint for people, so it is written at most this often rather than on every call. */
const LAST_USED_RESOLUTION_MS = 60_000;

export function publicApiKey(key: ApiKey) {
  const { secretHash: _hidden, tenantId: _tenant, ...rest } = key;
  return rest;
}

export async function createApiKey(
  scope: TenantScope,
  actor: Actor,
  actorScopes: readonly ApiScope[],
  requestId: string,
  input: { name: string; scopes: ApiScope[]; expiresAt?: Date },
) {
  const beyond = input.scopes.filter((s) => !scopesAllow(actorScopes, s));
  if (beyond.length) {
    throw new ApiError("forbidden", `You cannot grant scopes you do not have: ${beyond.join(", ")}`, { scopes: beyond });
  }
  const prefix = randomBase32(10);
  const secret = `gf_live_${prefix}_${randomBase32(32)}`;
  const key: ApiKey = {
    id: newId("key"),
    tenantId: scope.tenantId,
    name: input.name,
    prefix,
    secretHash: await sha256Hex(secret),
    scopes: [...new Set(input.scopes)],
    createdBy: actor.id,
    createdAt: new Date(),
    lastUsedAt: null,
    expiresAt: input.expiresAt ?? null,
    revokedAt: null,
  };
  const shown = publicApiKey(key);
  await scope.db.batch([
    scope.insert(apiKeys, key),
    auditEntry(scope, actor, requestId, { action: "api_key.create", targetType: "api_key", targetId: key.id, after: shown }),
  ]);
  return { apiKey: shown, secret };
}

export async function listApiKeys(scope: TenantScope) {
  const rows = await scope.select(apiKeys).orderBy(desc(apiKeys.createdAt));
  return rows.map(publicApiKey);
}

export async function revokeApiKey(scope: TenantScope, actor: Actor, requestId: string, keyId: string) {
  const key = await scope.findOne(apiKeys, eq(apiKeys.id, keyId));
  if (!key) throw notFound("API key");
  if (key.revokedAt) return publicApiKey(key);
  const revokedAt = new Date();
  await scope.db.batch([
    scope.update(apiKeys, { revokedAt }, and(eq(apiKeys.id, keyId), isNull(apiKeys.revokedAt))!),
    auditEntry(scope, actor, requestId, {
      action: "api_key.revoke",
      targetType: "api_key",
      targetId: key.id,
      before: publicApiKey(key),
      after: publicApiKey({ ...key, revokedAt }),
    }),
  ]);
  return publicApiKey({ ...key, revokedAt });
}

/**
 * Resolves a bearer secret to its key. Looked up by prefix (not secret) across all workspaces,
 * since the key is what tells us the workspace; the hash is compared in constant time.
 */
export async function authenticateApiKey(db: Database, secret: string, now = Date.now()): Promise<ApiKey | null> {
  const match = KEY_FORMAT.exec(secret);
  if (!match) return null;
  const [key] = await db.select().from(apiKeys).where(eq(apiKeys.prefix, match[1]!)).limit(1);
  if (!key || !timingSafeEqualHex(key.secretHash, await sha256Hex(secret))) return null;
  if (key.revokedAt || (key.expiresAt && key.expiresAt.getTime() <= now)) return null;
  return key;
}

export function touchApiKey(db: Database, key: ApiKey, now = Date.now()): Promise<unknown> | null {
  if (key.lastUsedAt && now - key.lastUsedAt.getTime() < LAST_USED_RESOLUTION_MS) return null;
  return db.update(apiKeys).set({ lastUsedAt: new Date(now) }).where(eq(apiKeys.id, key.id));
}
