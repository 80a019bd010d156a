import { and, desc, eq } from "drizzle-orm";
import { destinationsUsingGroup } from "../destinations/group-usage";
import type { Env } from "../env";
import { queueHandOver } from "../groups/hand-over";
import type { Actor } from "../context";
import { chunk } from "../db/chunk";
import { afterPageCursor, encodePageCursor } from "../db/page-cursor";
import { groupMembers, properties, type Group } from "../db/schema";
import type { TenantScope } from "../db/tenant-scope";
import { ApiError } from "../errors";
import { coerce } from "../properties/coerce";
import { auditEntry } from "./audit-log";
import { findGroup } from "./groups";

/** Records named per request when changing a manual Group by hand. */
export const MAX_MEMBERS_PER_CALL = 10_000;
/** Ids per statement: they travel as one JSON parameter, so D1's bound-parameter limit does not apply. */
const IDS_PER_STATEMENT = 1_000;
/** Ids an audit entry lists; the count is always complete. */
const AUDITED_IDS = 100;

/** Which Records a request names: by id, or by the values of one unique Property. */
export type MemberSelection = { recordIds: string[] } | { property: string; values: unknown[] };

/**
 * The Record ids a selection names, and what named nothing. Values are coerced with the Property's
 * type first, so " Ada@Example.com " finds the Record stored as ada@example.com.
 */
async function resolveSelection(scope: TenantScope, selection: MemberSelection): Promise<{ recordIds: string[]; unknown: unknown[] }> {
  const d1 = scope.db.$client;
  if ("recordIds" in selection) {
    const ids = [...new Set(selection.recordIds)];
    const known = new Set<string>();
    for (const part of chunk(ids, IDS_PER_STATEMENT)) {
      const { results } = await d1
        .prepare("select r.id from json_each(?) j join records r on r.id = j.value and r.tenant_id = ?")
        .bind(JSON.stringify(part), scope.tenantId)
        .all<{ id: string }>();
      for (const row of results) known.add(row.id);
    }
    return { recordIds: ids.filter((id) => known.has(id)), unknown: ids.filter((id) => !known.has(id)) };
  }
  const property = await scope.findOne(properties, eq(properties.key, selection.property));
  if (!property) throw new ApiError("invalid_request", `No Property has the key "${selection.property}"`, { field: "property" });
  if (!property.unique) throw new ApiError("invalid_request", `Property "${property.key}" is not unique, so its values cannot name Records`, { field: "property" });
  const byValue = new Map<string, unknown>();
  const unknown: unknown[] = [];
  for (const raw of selection.values) {
    const coerced = coerce(property.type, raw);
    if (coerced.ok && coerced.value !== null) byValue.set(coerced.value, raw);
    else unknown.push(raw);
  }
  const owners = new Map<string, string>();
  for (const part of chunk([...byValue.keys()], IDS_PER_STATEMENT)) {
    const { results } = await d1
      .prepare("select ri.value, ri.record_id from json_each(?) j join record_identities ri on ri.tenant_id = ? and ri.property_id = ? and ri.value = j.value")
      .bind(JSON.stringify(part), scope.tenantId, property.id)
      .all<{ value: string; record_id: string }>();
    for (const row of results) owners.set(row.value, row.record_id);
  }
  for (const [value, raw] of byValue) if (!owners.has(value)) unknown.push(raw);
  return { recordIds: [...new Set(owners.values())], unknown };
}

function assertManual(group: Group) {
  if (group.type !== "manual") throw new ApiError("invalid_request", "Members of a calculated Group follow its rules and cannot be changed by hand", { field: "type" });
}

/** Statements that add Records to a Group, writing a "joined" history entry only for those not already in it. */
function joinStatements(d1: D1Database, tenantId: string, groupId: string, ids: string[], now: number) {
  const list = JSON.stringify(ids);
  return [
    d1
      .prepare(
        `insert into group_membership_changes (tenant_id, group_id, record_id, change, at)
         select ?, ?, j.value, 'joined', ? from json_each(?) j
         where not exists (select 1 from group_members m where m.group_id = ? and m.record_id = j.value)`,
      )
      .bind(tenantId, groupId, now, list, groupId),
    d1
      .prepare(`insert or ignore into group_members (tenant_id, group_id, record_id, joined_at) select ?, ?, j.value, ? from json_each(?) j`)
      .bind(tenantId, groupId, now, list),
  ];
}

/** Statements that take Records out of a Group, writing a "left" history entry only for those that were in it. */
function leaveStatements(d1: D1Database, tenantId: string, groupId: string, ids: string[], now: number) {
  const list = JSON.stringify(ids);
  return [
    d1
      .prepare(
        `insert into group_membership_changes (tenant_id, group_id, record_id, change, at)
         select ?, ?, m.record_id, 'left', ? from group_members m where m.group_id = ? and m.record_id in (select value from json_each(?))`,
      )
      .bind(tenantId, groupId, now, groupId, list),
    d1.prepare(`delete from group_members where group_id = ? and tenant_id = ? and record_id in (select value from json_each(?))`).bind(groupId, tenantId, list),
  ];
}

const countStatement = (d1: D1Database, tenantId: string, groupId: string, now: number) =>
  d1
    .prepare(`update groups set member_count = (select count(*) from group_members where group_id = ?), updated_at = ? where id = ? and tenant_id = ?`)
    .bind(groupId, now, groupId, tenantId);

/**
 * Adds or removes Records of a manual Group by hand, in one transaction with its audit entry, then
 * hands them to their objects. Values that name no Record refuse the whole request, unless the
 * caller says to skip them.
 */
export async function changeManualMembers(
  scope: TenantScope,
  env: Env,
  actor: Actor,
  requestId: string,
  groupId: string,
  change: "add" | "remove",
  selection: MemberSelection,
  options: { skipUnknown: boolean },
) {
  const group = await findGroup(scope, groupId);
  assertManual(group);
  const { recordIds, unknown } = await resolveSelection(scope, selection);
  if (unknown.length && !options.skipUnknown) {
    throw new ApiError("invalid_request", `${unknown.length} of the values name no Record; nothing was changed (send skipUnknown: true to change the rest)`, {
      unknown: unknown.slice(0, AUDITED_IDS),
    });
  }
  const d1 = scope.db.$client;
  const now = Date.now();
  const statements = chunk(recordIds, IDS_PER_STATEMENT).flatMap((ids) =>
    change === "add" ? joinStatements(d1, scope.tenantId, groupId, ids, now) : leaveStatements(d1, scope.tenantId, groupId, ids, now),
  );
  const audit = auditEntry(scope, actor, requestId, {
    action: change === "add" ? "group.members_add" : "group.members_remove",
    targetType: "group",
    targetId: groupId,
    after: { records: recordIds.length, recordIds: recordIds.slice(0, AUDITED_IDS) },
  }).toSQL();
  const results = await d1.batch([...statements, countStatement(d1, scope.tenantId, groupId, now), d1.prepare(audit.sql).bind(...audit.params)]);
  // Each pair's first statement writes one history entry per Record that actually joined or left.
  const changed = results.filter((_, i) => i < statements.length && i % 2 === 0).reduce((n, r) => n + (r.meta.changes ?? 0), 0);
  // The Records' objects learn their manual Groups when a Destination follows this one; a Destination
  // that starts following it later walks its members then.
  if (changed && (await destinationsUsingGroup(scope, groupId)).length) await queueHandOver(env, scope.tenantId, { recordIds });
  return { changed, unchanged: recordIds.length - changed, skipped: unknown };
}

/** A page of a Group's members, newest first, with a cursor that survives members joining meanwhile. */
export async function listMembers(scope: TenantScope, groupId: string, opts: { limit: number; cursor?: string }) {
  await findGroup(scope, groupId);
  const position = { createdAt: groupMembers.joinedAt, id: groupMembers.recordId };
  const condition = opts.cursor ? and(eq(groupMembers.groupId, groupId), afterPageCursor(opts.cursor, position))! : eq(groupMembers.groupId, groupId);
  const rows = await scope.select(groupMembers, condition).orderBy(desc(groupMembers.joinedAt), desc(groupMembers.recordId)).limit(opts.limit + 1);
  const page = rows.slice(0, opts.limit);
  const last = page.at(-1);
  return {
    members: page.map((m) => ({ recordId: m.recordId, joinedAt: m.joinedAt })),
    nextCursor: rows.length > opts.limit && last ? encodePageCursor({ createdAt: last.joinedAt, id: last.recordId }) : null,
  };
}

/** The Groups a Record is in now, and its joins and leaves (newest first, the latest 100). */
export async function groupsOfRecord(scope: TenantScope, recordId: string) {
  const d1 = scope.db.$client;
  const [current, history] = await Promise.all([
    d1
      .prepare(`select g.id, g.name, g.type, m.joined_at from group_members m join groups g on g.id = m.group_id where m.record_id = ? and m.tenant_id = ? order by g.name`)
      .bind(recordId, scope.tenantId)
      .all<{ id: string; name: string; type: string; joined_at: number }>(),
    d1
      .prepare(
        `select c.group_id, g.name, c.change, c.at from group_membership_changes c join groups g on g.id = c.group_id
         where c.record_id = ? and c.tenant_id = ? order by c.at desc, c.id desc limit 100`,
      )
      .bind(recordId, scope.tenantId)
      .all<{ group_id: string; name: string; change: "joined" | "left"; at: number }>(),
  ]);
  return {
    groups: current.results.map((g) => ({ id: g.id, name: g.name, type: g.type, joinedAt: new Date(g.joined_at) })),
    groupHistory: history.results.map((h) => ({ groupId: h.group_id, name: h.name, change: h.change, at: new Date(h.at) })),
  };
}
