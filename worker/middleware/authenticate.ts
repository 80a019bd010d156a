import { getCookie } from "hono/cookie";
import { createMiddleware } from "hono/factory";
import { asc, eq } from "drizzle-orm";
import { ROLE_SCOPES } from "../auth/roles";
import { timingSafeEqualHex } from "../auth/tokens";
import type { AppEnv, Principal } from "../context";
import { memberships } from "../db/schema";
import { ApiError } from "../errors";
import { authenticateApiKey, touchApiKey } from "../services/api-keys";
import { findLiveSession, SESSION_COOKIE, setActiveTenant } from "../services/sessions";

const UNSAFE = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/**
 * Works out who is calling: an API key in `Authorization: Bearer`, or a session cookie.
 * A bearer header that is present but wrong is refused outright rather than falling back to the
 * cookie, so a program never silently acts as whoever is logged in.
 */
export const authenticate = createMiddleware<AppEnv>(async (c, next) => {
  const db = c.get("db");
  const authorization = c.req.header("authorization");
  if (authorization !== undefined) {
    const secret = /^Bearer\s+(\S+)$/i.exec(authorization)?.[1];
    const key = secret ? await authenticateApiKey(db, secret) : null;
    if (!key) throw new ApiError("unauthenticated", "The API key is missing, malformed, revoked or expired");
    const touch = touchApiKey(db, key);
    if (touch) c.executionCtx.waitUntil(touch);
    c.set("principal", { kind: "api_key", apiKey: key, tenantId: key.tenantId, scopes: key.scopes });
    return next();
  }

  const token = getCookie(c, SESSION_COOKIE);
  if (!token) return next();
  const found = await findLiveSession(db, token);
  if (!found) return next();
  // Membership is checked on every request, so removing someone cuts their access at once; a person
  // removed from their current workspace lands in the oldest one they still belong to.
  const all = await db.select().from(memberships).where(eq(memberships.userId, found.user.id)).orderBy(asc(memberships.createdAt));
  const membership = all.find((m) => m.tenantId === found.session.activeTenantId) ?? all[0];
  if ((membership?.tenantId ?? null) !== found.session.activeTenantId) await setActiveTenant(db, found.session.id, membership?.tenantId ?? null);
  const principal: Principal = membership
    ? { kind: "user", ...found, tenantId: membership.tenantId, role: membership.role, scopes: ROLE_SCOPES[membership.role] }
    : { kind: "user", ...found, tenantId: null, role: null, scopes: [] };
  c.set("principal", principal);

  // Cookies ride along on cross-site requests; the per-session token in a header cannot.
  if (UNSAFE.has(c.req.method)) {
    const sent = c.req.header("x-csrf-token") ?? "";
    if (!timingSafeEqualHex(sent, found.session.csrfToken)) {
      throw new ApiError("csrf_failed", "Missing or wrong X-CSRF-Token header for a request made with a session cookie");
    }
  }
  return next();
});
