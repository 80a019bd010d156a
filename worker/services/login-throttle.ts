import { eq, inArray, sql } from "drizzle-orm";
import { sha256Hex } from "../auth/tokens";
import { type Database, runBatch } from "../db/client";
import { loginThrottles } from "../db/schema";

/** Failed log-ins allowed in one window, per submitted email and per client address. */
export const THROTTLE = {
  windowMs: 15 * 60 * 1000,
  maxFailuresPerEmail: 5,
  maxFailuresPerIp: 30,
} as const;

export interface ThrottleKeys {
  email: string;
  /** null when the client address is unknown: one shared bucket would let anyone lock everyone out. */
  ip: string | null;
}

export async function throttleKeys(email: string, ip: string | null): Promise<ThrottleKeys> {
  return { email: `email:${await sha256Hex(email)}`, ip: ip ? `ip:${ip}` : null };
}

const keyList = (keys: ThrottleKeys) => (keys.ip ? [keys.email, keys.ip] : [keys.email]);

/** Seconds until log-in may be tried again, or 0 when neither the email nor the address is locked. */
export async function secondsLocked(db: Database, keys: ThrottleKeys, now = Date.now()): Promise<number> {
  const rows = await db.select().from(loginThrottles).where(inArray(loginThrottles.key, keyList(keys)));
  let wait = 0;
  for (const row of rows) {
    const limit = row.key === keys.email ? THROTTLE.maxFailuresPerEmail : THROTTLE.maxFailuresPerIp;
    const windowEnds = row.windowStartedAt.getTime() + THROTTLE.windowMs;
    if (row.failures >= limit && windowEnds > now) wait = Math.max(wait, Math.ceil((windowEnds - now) / 1000));
  }
  return wait;
}

export async function recordFailure(db: Database, keys: ThrottleKeys, now = Date.now()) {
  const windowStart = now - THROTTLE.windowMs;
  await runBatch(
    db,
    keyList(keys).map((key) =>
      db
        .insert(loginThrottles)
        .values({ key, failures: 1, windowStartedAt: new Date(now) })
        .onConflictDoUpdate({
          target: loginThrottles.key,
          // An expired window starts over rather than counting old failures.
          set: {
            failures: sql`case when ${loginThrottles.windowStartedAt} <= ${windowStart} then 1 else ${loginThrottles.failures} + 1 end`,
            windowStartedAt: sql`case when ${loginThrottles.windowStartedAt} <= ${windowStart} then ${now} else ${loginThrottles.windowStartedAt} end`,
          },
        }),
    ),
  );
}

export async function clearFailures(db: Database, emailKey: string) {
  await db.delete(loginThrottles).where(eq(loginThrottles.key, emailKey));
}
