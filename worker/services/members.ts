import { and, asc, eq, ne, or, sql } from "drizzle-orm";
import type { Role } from "../auth/roles";
import type { Actor } from "../context";
import { memberships, users, type Membership } from "../db/schema";
import { prepared } from "../db/client";
import type { TenantScope } from "../db/tenant-scope";
import { ApiError, notFound } from "../errors";
import { auditEntryIfChanged } from "./audit-log";

export async function listMembers(scope: TenantScope) {
  return scope.db
    .select({ id: memberships.id, userId: users.id, email: users.email, name: users.name, role: memberships.role, joinedAt: memberships.createdAt })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(eq(memberships.tenantId, scope.tenantId))
    .orderBy(asc(memberships.createdAt));
}

async function findMember(scope: TenantScope, memberId: string) {
  const member = await scope.findOne(memberships, eq(memberships.id, memberId));
  if (!member) throw notFound("Member");
  return member;
}

/** Only owners may make someone an owner or change what an owner is. */
function assertMayManage(actorRole: Role | null, member: Membership, newRole?: Role) {
  if ((member.role === "owner" || newRole === "owner") && actorRole !== "owner") {
    throw new ApiError("forbidden", "Only an owner can grant, change or remove the owner role");
  }
}

/** Matches a membership unless it is the workspace's last owner, so the guard and the write are one statement. */
function notLastOwner(scope: TenantScope) {
  return or(
    ne(memberships.role, "owner"),
    sql`(select count(*) from memberships m where m.tenant_id = ${scope.tenantId} and m.role = 'owner') > 1`,
  )!;
}

const LAST_OWNER = () => new ApiError("conflict", "A workspace must keep at least one owner; make someone else an owner first");

export async function changeMemberRole(scope: TenantScope, actor: Actor, actorRole: Role | null, requestId: string, memberId: string, role: Role) {
  const member = await findMember(scope, memberId);
  assertMayManage(actorRole, member, role);
  if (member.role === role) return { ...member, role };
  const [update] = await scope.db.$client.batch([
    prepared(scope.db, scope.update(memberships, { role }, and(eq(memberships.id, memberId), notLastOwner(scope))!)),
    auditEntryIfChanged(scope, actor, requestId, {
      action: "member.role_change",
      targetType: "member",
      targetId: memberId,
      before: { role: member.role },
      after: { role },
    }),
  ]);
  if (update!.meta.changes === 0) throw LAST_OWNER();
  return { ...member, role };
}

export async function removeMember(scope: TenantScope, actor: Actor, actorRole: Role | null, requestId: string, memberId: string) {
  const member = await findMember(scope, memberId);
  assertMayManage(actorRole, member);
  const [removed] = await scope.db.$client.batch([
    prepared(scope.db, scope.delete(memberships, and(eq(memberships.id, memberId), notLastOwner(scope))!)),
    auditEntryIfChanged(scope, actor, requestId, {
      action: "member.remove",
      targetType: "member",
      targetId: memberId,
      before: { userId: member.userId, role: member.role },
    }),
  ]);
  if (removed!.meta.changes === 0) throw LAST_OWNER();
}
