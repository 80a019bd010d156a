import { and, desc, eq, isNull } from "drizzle-orm";
import type { Role } from "../auth/roles";
import { randomToken, sha256Hex } from "../auth/tokens";
import type { Actor } from "../context";
import { type Database, isUniqueViolation, runBatch } from "../db/client";
import { invitations, memberships, tenants, users, type Invitation, type User } from "../db/schema";
import { TenantScope } from "../db/tenant-scope";
import { ApiError, notFound } from "../errors";
import { newId } from "../ids";
import { newUserRow } from "./accounts";
import { auditEntry } from "./audit-log";
import { insertSession, prepareSession, setActiveTenant } from "./sessions";

export const INVITATION_TTL_MS = 7 * 24 * 60 * 60 * 1000;

export type InvitationStatus = "pending" | "accepted" | "revoked" | "expired";

export function invitationStatus(inv: Invitation, now = Date.now()): InvitationStatus {
  if (inv.acceptedAt) return "accepted";
  if (inv.revokedAt) return "revoked";
  if (inv.expiresAt.getTime() <= now) return "expired";
  return "pending";
}

export function publicInvitation(inv: Invitation) {
  return {
    id: inv.id,
    email: inv.email,
    role: inv.role,
    status: invitationStatus(inv),
    invitedBy: inv.invitedBy,
    createdAt: inv.createdAt,
    expiresAt: inv.expiresAt,
    acceptedAt: inv.acceptedAt,
  };
}

export async function createInvitation(scope: TenantScope, actor: Actor, actorRole: Role | null, requestId: string, input: { email: string; role: Role }) {
  if (input.role === "owner" && actorRole !== "owner") throw new ApiError("forbidden", "Only an owner can invite another owner");
  const [existing] = await scope.db
    .select({ id: memberships.id })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(and(eq(memberships.tenantId, scope.tenantId), eq(users.email, input.email)))
    .limit(1);
  if (existing) throw new ApiError("conflict", `${input.email} is already a member of this workspace`, { field: "email" });

  const token = randomToken();
  const now = Date.now();
  const invitation: Invitation = {
    id: newId("inv"),
    tenantId: scope.tenantId,
    email: input.email,
    role: input.role,
    tokenHash: await sha256Hex(token),
    invitedBy: actor.id,
    createdAt: new Date(now),
    expiresAt: new Date(now + INVITATION_TTL_MS),
    acceptedAt: null,
    revokedAt: null,
  };
  await scope.db.batch([
    // A fresh invitation replaces any earlier pending one for the same address: only the newest link works.
    scope.update(invitations, { revokedAt: new Date(now) }, and(eq(invitations.email, input.email), isNull(invitations.acceptedAt), isNull(invitations.revokedAt))!),
    scope.insert(invitations, invitation),
    auditEntry(scope, actor, requestId, {
      action: "invitation.create",
      targetType: "invitation",
      targetId: invitation.id,
      after: { email: input.email, role: input.role },
    }),
  ]);
  return { invitation: publicInvitation(invitation), token, acceptPath: `/invite/${token}` };
}

export async function listInvitations(scope: TenantScope) {
  const rows = await scope.select(invitations).orderBy(desc(invitations.createdAt)).limit(200);
  return rows.map(publicInvitation);
}

export async function revokeInvitation(scope: TenantScope, actor: Actor, requestId: string, invitationId: string) {
  const inv = await scope.findOne(invitations, eq(invitations.id, invitationId));
  if (!inv) throw notFound("Invitation");
  if (invitationStatus(inv) !== "pending") throw new ApiError("conflict", `The invitation is already ${invitationStatus(inv)}`);
  const revokedAt = new Date();
  await scope.db.batch([
    scope.update(invitations, { revokedAt }, eq(invitations.id, invitationId)),
    auditEntry(scope, actor, requestId, {
      action: "invitation.revoke",
      targetType: "invitation",
      targetId: inv.id,
      before: { status: "pending" },
      after: { status: "revoked" },
    }),
  ]);
  return publicInvitation({ ...inv, revokedAt });
}

async function findByToken(db: Database, token: string) {
  const [row] = await db
    .select({ invitation: invitations, workspace: { id: tenants.id, name: tenants.name, slug: tenants.slug } })
    .from(invitations)
    .innerJoin(tenants, eq(tenants.id, invitations.tenantId))
    .where(eq(invitations.tokenHash, await sha256Hex(token)))
    .limit(1);
  if (!row) throw new ApiError("not_found", "This invitation link is not valid");
  return row;
}

/** What the person opening an invitation link sees before accepting it. */
export async function describeInvitation(db: Database, token: string) {
  const { invitation, workspace } = await findByToken(db, token);
  const [account] = await db.select({ id: users.id }).from(users).where(eq(users.email, invitation.email)).limit(1);
  return {
    workspace,
    email: invitation.email,
    role: invitation.role,
    status: invitationStatus(invitation),
    expiresAt: invitation.expiresAt,
    accountExists: Boolean(account),
  };
}

type Acceptor = { kind: "session"; user: User; sessionId: string } | { kind: "new_account"; name: string; password: string };

/**
 * Turns an invitation into a membership. The link works once: the invitation is claimed with a
 * conditional update before anything else is written, so two people using one link get one member.
 */
export async function acceptInvitation(db: Database, requestId: string, token: string, acceptor: Acceptor) {
  const { invitation, workspace } = await findByToken(db, token);
  const status = invitationStatus(invitation);
  if (status !== "pending") throw new ApiError("conflict", `This invitation is ${status} and can no longer be used`);

  let user: User;
  if (acceptor.kind === "session") {
    user = acceptor.user;
    if (user.email !== invitation.email) {
      throw new ApiError("forbidden", `This invitation is for ${invitation.email}; you are logged in as ${user.email}`);
    }
  } else {
    const [account] = await db.select({ id: users.id }).from(users).where(eq(users.email, invitation.email)).limit(1);
    if (account) throw new ApiError("conflict", "An account with this email already exists; log in, then open the invitation link again");
    user = await newUserRow({ name: acceptor.name, email: invitation.email, password: acceptor.password });
  }

  const scope = new TenantScope(db, invitation.tenantId);
  const claim = await db
    .update(invitations)
    .set({ acceptedAt: new Date() })
    .where(and(eq(invitations.id, invitation.id), isNull(invitations.acceptedAt), isNull(invitations.revokedAt)))
    .run();
  if (claim.meta.changes === 0) throw new ApiError("conflict", "This invitation has already been used");

  const membership = { id: newId("mem"), userId: user.id, role: invitation.role };
  const issued = acceptor.kind === "new_account" ? await prepareSession(user.id, invitation.tenantId) : null;
  try {
    await runBatch(db, [
      ...(acceptor.kind === "new_account" ? [db.insert(users).values(user)] : []),
      scope.insert(memberships, membership),
      ...(issued ? [insertSession(db, issued.session)] : []),
      auditEntry(scope, { type: "user", id: user.id }, requestId, {
        action: "member.join",
        targetType: "member",
        targetId: membership.id,
        after: { userId: user.id, email: user.email, role: invitation.role, invitationId: invitation.id },
      }),
    ]);
  } catch (err) {
    // Nothing of the membership landed, so hand the invitation back rather than burning it.
    await db.update(invitations).set({ acceptedAt: null }).where(eq(invitations.id, invitation.id));
    if (isUniqueViolation(err, "memberships")) throw new ApiError("conflict", "You are already a member of this workspace");
    if (isUniqueViolation(err, "users.email")) throw new ApiError("conflict", "An account with this email already exists; log in first");
    throw err;
  }
  if (acceptor.kind === "session") await setActiveTenant(db, acceptor.sessionId, invitation.tenantId);
  return { user, workspace, role: invitation.role, session: issued };
}
