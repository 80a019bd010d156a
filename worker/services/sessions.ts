import { and, asc, eq, gt, isNull } from "drizzle-orm";
import { randomToken, sha256Hex } from "../auth/tokens";
import type { Database } from "../db/client";
import { memberships, sessions, users, type Session, type User } from "../db/schema";
import { newId } from "../ids";

export const SESSION_COOKIE = "gf_session";
export const SESSION_TTL_MS = 14 * 24 * 60 * 60 * 1000;

export interface IssuedSession {
  token: string;
  session: Session;
}

/** Builds the session row without writing it, so callers can batch it with the writes it belongs to. */
export async function prepareSession(userId: string, activeTenantId: string | null): Promise<IssuedSession> {
  const token = randomToken();
  const now = Date.now();
  const session: Session = {
    id: newId("ses"),
    tokenHash: await sha256Hex(token),
    csrfToken: randomToken(24),
    userId,
    activeTenantId,
    createdAt: new Date(now),
    expiresAt: new Date(now + SESSION_TTL_MS),
    revokedAt: null,
  };
  return { token, session };
}

export const insertSession = (db: Database, session: Session) => db.insert(sessions).values(session);

export async function startSession(db: Database, userId: string, activeTenantId: string | null) {
  const issued = await prepareSession(userId, activeTenantId);
  await insertSession(db, issued.session);
  return issued;
}

export async function findLiveSession(db: Database, token: string): Promise<{ session: Session; user: User } | null> {
  const rows = await db
    .select({ session: sessions, user: users })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(and(eq(sessions.tokenHash, await sha256Hex(token)), isNull(sessions.revokedAt), gt(sessions.expiresAt, new Date())))
    .limit(1);
  return rows[0] ?? null;
}

export async function revokeSession(db: Database, sessionId: string) {
  await db.update(sessions).set({ revokedAt: new Date() }).where(eq(sessions.id, sessionId));
}

/** The workspace a person lands in: the one they asked for, else their oldest membership. */
export async function defaultTenantFor(db: Database, userId: string): Promise<string | null> {
  const rows = await db
    .select({ tenantId: memberships.tenantId })
    .from(memberships)
    .where(eq(memberships.userId, userId))
    .orderBy(asc(memberships.createdAt))
    .limit(1);
  return rows[0]?.tenantId ?? null;
}

export async function setActiveTenant(db: Database, sessionId: string, tenantId: string | null) {
  await db.update(sessions).set({ activeTenantId: tenantId }).where(eq(sessions.id, sessionId));
}
