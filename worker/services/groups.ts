import { and, desc, eq, gte } from "drizzle-orm";
import { utcDay } from "../cron/group-counts";
import type { Actor } from "../context";
import { isUniqueViolation } from "../db/client";
import { groupCounts, groups, type Group, type GroupType } from "../db/schema";
import type { TenantScope } from "../db/tenant-scope";
import { ApiError, notFound } from "../errors";
import { newId } from "../ids";
import { auditEntry } from "./audit-log";

export interface GroupInput {
  name: string;
  description: string;
  type: GroupType;
}

export const publicGroup = (g: Group) => ({
  id: g.id,
  name: g.name,
  description: g.description,
  type: g.type,
  rules: g.rules,
  memberCount: g.memberCount,
  createdAt: g.createdAt,
  updatedAt: g.updatedAt,
});

const nameTaken = (name: string) => new ApiError("conflict", `A Group named "${name}" already exists`, { field: "name" });

export async function findGroup(scope: TenantScope, groupId: string) {
  const group = await scope.findOne(groups, eq(groups.id, groupId));
  if (!group) throw notFound("Group");
  return group;
}

export const listGroups = (scope: TenantScope) => scope.select(groups).orderBy(desc(groups.createdAt), desc(groups.id));

export async function createGroup(scope: TenantScope, actor: Actor, requestId: string, input: GroupInput) {
  if (input.type === "calculated") throw new ApiError("invalid_request", "A calculated Group needs rules: send a rule tree with at least one rule", { field: "rules" });
  const now = new Date();
  const group: Group = { id: newId("grp"), tenantId: scope.tenantId, ...input, rules: null, memberCount: 0, createdAt: now, updatedAt: now };
  try {
    await scope.db.batch([
      scope.insert(groups, group),
      auditEntry(scope, actor, requestId, { action: "group.create", targetType: "group", targetId: group.id, after: publicGroup(group) }),
    ]);
  } catch (err) {
    if (isUniqueViolation(err, "groups")) throw nameTaken(input.name);
    throw err;
  }
  return group;
}

export async function updateGroup(scope: TenantScope, actor: Actor, requestId: string, groupId: string, changes: Partial<Pick<GroupInput, "name" | "description">>) {
  const before = await findGroup(scope, groupId);
  const after: Group = { ...before, ...changes, updatedAt: new Date() };
  try {
    await scope.db.batch([
      scope.update(groups, { name: after.name, description: after.description, updatedAt: after.updatedAt }, eq(groups.id, groupId)),
      auditEntry(scope, actor, requestId, { action: "group.update", targetType: "group", targetId: groupId, before: publicGroup(before), after: publicGroup(after) }),
    ]);
  } catch (err) {
    if (isUniqueViolation(err, "groups")) throw nameTaken(after.name);
    throw err;
  }
  return after;
}

/** Deleting a Group takes its memberships and their history with it; the audit entry keeps what it was. */
export async function deleteGroup(scope: TenantScope, actor: Actor, requestId: string, groupId: string) {
  const group = await findGroup(scope, groupId);
  await scope.db.batch([
    scope.delete(groups, eq(groups.id, groupId)),
    auditEntry(scope, actor, requestId, { action: "group.delete", targetType: "group", targetId: groupId, before: publicGroup(group) }),
  ]);
}

/**
 * A Group's member count on each of the last `days` days (UTC), oldest first. Days before the Group
 * existed are left out; a day nothing was stored for carries the day before's count; today is live.
 */
export async function groupCountsOver(scope: TenantScope, groupId: string, days: number, now = new Date()) {
  const group = await findGroup(scope, groupId);
  const first = new Date(now.getTime() - (days - 1) * 86_400_000);
  const stored = await scope.select(groupCounts, and(eq(groupCounts.groupId, groupId), gte(groupCounts.day, utcDay(first)))!);
  const byDay = new Map(stored.map((c) => [c.day, c.members]));
  const counts: { day: string; members: number }[] = [];
  let carried: number | null = null;
  for (let i = 0; i < days; i++) {
    const day = utcDay(new Date(first.getTime() + i * 86_400_000));
    if (day < utcDay(group.createdAt)) continue;
    carried = byDay.get(day) ?? carried ?? 0;
    counts.push({ day, members: carried });
  }
  if (counts.length) counts[counts.length - 1]!.members = group.memberCount;
  return counts;
}
