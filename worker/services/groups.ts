import { and, desc, eq, gte } from "drizzle-orm";
import { utcDay } from "../cron/group-counts";
import type { Actor } from "../context";
import { isUniqueViolation } from "../db/client";
import { groupCounts, groups, properties, type Group, type GroupType } from "../db/schema";
import type { TenantScope } from "../db/tenant-scope";
import { ApiError, notFound } from "../errors";
import { newId } from "../ids";
import type { Env } from "../env";
import { nextTimeRecalculation, startRecalculation } from "../groups/recalculate";
import type { RuleBlock } from "../rules/tree";
import { destinationsUsingGroup } from "../destinations/group-usage";
import { auditEntry } from "./audit-log";
import { checkRules } from "./group-rules";

export interface GroupInput {
  name: string;
  description: string;
  type: GroupType;
  /** A calculated Group's rule tree, as sent (checked here against the workspace's Properties). */
  rules?: unknown;
}

export const publicGroup = (g: Group) => ({
  id: g.id,
  name: g.name,
  description: g.description,
  type: g.type,
  rules: g.rules,
  rulesVersion: g.rulesVersion,
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

/** A calculated Group's rules, checked and normalized; manual Groups take none. */
async function rulesFor(scope: TenantScope, type: GroupType, rules: unknown): Promise<RuleBlock | null> {
  if (type === "manual") {
    if (rules !== undefined) throw new ApiError("invalid_request", "A manual Group takes no rules: its members are added by hand", { field: "rules" });
    return null;
  }
  if (rules === undefined) throw new ApiError("invalid_request", "A calculated Group needs rules: send a rule tree with at least one rule", { field: "rules" });
  return checkRules(rules, await scope.select(properties));
}

/** Creates a Group; a calculated one starts its first recalculation, which fills it in the background. */
export async function createGroup(scope: TenantScope, env: Env, actor: Actor, requestId: string, input: GroupInput) {
  const tree = await rulesFor(scope, input.type, input.rules);
  const now = new Date();
  const group: Group = {
    id: newId("grp"),
    tenantId: scope.tenantId,
    name: input.name,
    description: input.description,
    type: input.type,
    rules: tree,
    rulesVersion: tree ? 1 : 0,
    recalculateAt: nextTimeRecalculation(tree, now),
    memberCount: 0,
    createdAt: now,
    updatedAt: now,
  };
  try {
    await scope.db.batch([
      scope.insert(groups, group),
      auditEntry(scope, actor, requestId, { action: "group.create", targetType: "group", targetId: group.id, after: publicGroup(group) }),
    ]);
  } catch (err) {
    if (isUniqueViolation(err, "groups")) throw nameTaken(input.name);
    throw err;
  }
  const run = tree ? await startRecalculation(scope, env, group.id, "rules", now) : null;
  return { group, run };
}

/** Renames or describes a Group, or gives a calculated one new rules, which starts its recalculation. */
export async function updateGroup(scope: TenantScope, env: Env, actor: Actor, requestId: string, groupId: string, changes: Partial<Omit<GroupInput, "type">>) {
  const before = await findGroup(scope, groupId);
  const now = new Date();
  const tree = changes.rules === undefined ? null : await rulesFor(scope, before.type, changes.rules);
  const rulesChanged = tree !== null && JSON.stringify(tree) !== JSON.stringify(before.rules);
  const after: Group = {
    ...before,
    name: changes.name ?? before.name,
    description: changes.description ?? before.description,
    updatedAt: now,
    ...(rulesChanged ? { rules: tree, rulesVersion: before.rulesVersion + 1, recalculateAt: nextTimeRecalculation(tree, now) } : {}),
  };
  try {
    await scope.db.batch([
      scope.update(
        groups,
        { name: after.name, description: after.description, rules: after.rules, rulesVersion: after.rulesVersion, recalculateAt: after.recalculateAt, updatedAt: now },
        eq(groups.id, groupId),
      ),
      auditEntry(scope, actor, requestId, { action: "group.update", targetType: "group", targetId: groupId, before: publicGroup(before), after: publicGroup(after) }),
    ]);
  } catch (err) {
    if (isUniqueViolation(err, "groups")) throw nameTaken(after.name);
    throw err;
  }
  const run = rulesChanged ? await startRecalculation(scope, env, groupId, "rules", now) : null;
  return { group: after, run };
}

/** Deleting a Group takes its memberships and their history with it; the audit entry keeps what it was. */
export async function deleteGroup(scope: TenantScope, actor: Actor, requestId: string, groupId: string) {
  const group = await findGroup(scope, groupId);
  const users = await destinationsUsingGroup(scope, groupId);
  if (users.length) {
    throw new ApiError("conflict", `Destinations use the Group: ${users.map((d) => d.name).join(", ")}; change them first`, { destinations: users.map((d) => d.id) });
  }
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
