import { eq } from "drizzle-orm";
import { decoyPasswordHash, hashPassword, verifyPassword } from "../auth/passwords";
import type { Database } from "../db/client";
import { isUniqueViolation } from "../db/client";
import { memberships, tenants, users, type User } from "../db/schema";
import { TenantScope } from "../db/tenant-scope";
import { ApiError } from "../errors";
import { newId } from "../ids";
import { auditEntry } from "./audit-log";
import { clearFailures, recordFailure, secondsLocked, throttleKeys } from "./login-throttle";
import { defaultTenantFor, insertSession, prepareSession, startSession } from "./sessions";
import { newWorkspaceRows, slugTaken } from "./workspaces";

export const publicUser = (user: User) => ({ id: user.id, email: user.email, name: user.name, createdAt: user.createdAt });

export async function emailTaken(db: Database, email: string) {
  const [row] = await db.select({ id: users.id }).from(users).where(eq(users.email, email)).limit(1);
  return Boolean(row);
}

/** A person signs up: their account, their new workspace with them as owner, and a session, in one batch. */
export async function signUp(
  db: Database,
  requestId: string,
  input: { name: string; email: string; password: string; workspaceName: string; workspaceSlug: string },
) {
  if (await emailTaken(db, input.email)) {
    throw new ApiError("conflict", "An account with this email already exists; log in to create another workspace", { field: "email" });
  }
  if (await slugTaken(db, input.workspaceSlug)) {
    throw new ApiError("conflict", `The workspace address "${input.workspaceSlug}" is taken`, { field: "workspaceSlug" });
  }
  const user = await newUserRow(input);
  const workspace = newWorkspaceRows({ name: input.workspaceName, slug: input.workspaceSlug }, user.id);
  const issued = await prepareSession(user.id, workspace.tenant.id);
  const scope = new TenantScope(db, workspace.tenant.id);
  try {
    await db.batch([
      db.insert(users).values(user),
      db.insert(tenants).values(workspace.tenant),
      db.insert(memberships).values(workspace.membership),
      insertSession(db, issued.session),
      auditEntry(scope, { type: "user", id: user.id }, requestId, {
        action: "workspace.create",
        targetType: "workspace",
        targetId: workspace.tenant.id,
        after: { name: workspace.tenant.name, slug: workspace.tenant.slug },
      }),
    ]);
  } catch (err) {
    // Two sign-ups racing for one email or slug: the unique index decides, the loser gets a 409.
    if (isUniqueViolation(err, "users.email")) throw new ApiError("conflict", "An account with this email already exists", { field: "email" });
    if (isUniqueViolation(err, "tenants.slug")) {
      throw new ApiError("conflict", `The workspace address "${input.workspaceSlug}" is taken`, { field: "workspaceSlug" });
    }
    throw err;
  }
  return { user, tenant: workspace.tenant, ...issued };
}

export async function newUserRow(input: { name: string; email: string; password: string }): Promise<User> {
  return { id: newId("usr"), email: input.email, name: input.name, passwordHash: await hashPassword(input.password), createdAt: new Date() };
}

const INVALID_LOGIN = "Invalid email or password";

/**
 * Checks a password under two throttles (the submitted email and the client address). The answer
 * for an unknown email is the same, and takes as long, as for a wrong password.
 */
export async function logIn(db: Database, input: { email: string; password: string; ip: string | null }) {
  const keys = await throttleKeys(input.email, input.ip);
  const wait = await secondsLocked(db, keys);
  if (wait > 0) {
    throw new ApiError("rate_limited", `Too many failed log-ins. Try again in ${Math.ceil(wait / 60)} minute(s).`, { retryAfterSeconds: wait }, {
      "Retry-After": String(wait),
    });
  }
  const [user] = await db.select().from(users).where(eq(users.email, input.email)).limit(1);
  const valid = await verifyPassword(input.password, user?.passwordHash ?? (await decoyPasswordHash()));
  if (!user || !valid) {
    await recordFailure(db, keys);
    throw new ApiError("unauthenticated", INVALID_LOGIN);
  }
  await clearFailures(db, keys.email);
  const issued = await startSession(db, user.id, await defaultTenantFor(db, user.id));
  return { user, ...issued };
}
