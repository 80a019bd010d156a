import { asc, inArray } from "drizzle-orm";
import { SYSTEM_ACTOR } from "../context";
import { records } from "../db/schema";
import type { TenantScope } from "../db/tenant-scope";
import { auditEntry } from "./audit-log";
import { prepared } from "../db/client";
import type { Env } from "../env";
import { planRemovals, removalStatements } from "../exports/removals";
import { nudgeDestinations } from "../exports/send";

/**
 * Merges Records that turned out to be one person into the oldest of them, in one D1 batch: the
 * survivor keeps its own values and takes the others' identities, values it lacks, Imports and
 * history; the others are deleted, and removed from the sync-mode Destinations that hold them.
 * Recorded in the audit log as a change by the pipeline.
 */
export async function mergeRecords(env: Env, scope: TenantScope, recordIds: string[], requestId: string): Promise<string> {
  const found = await scope.selectNamed(records, inArray(records.id, recordIds)).orderBy(asc(records.createdAt), asc(records.id));
  if (found.length < 2) return found[0]?.id ?? recordIds[0]!;
  const [survivor, ...others] = found.map((r) => r.id) as [string, ...string[]];
  const d1 = scope.db.$client;
  const marks = others.map(() => "?").join(", ");
  const move = (sql: string) => d1.prepare(sql).bind(survivor, scope.tenantId, ...others);
  const removals = await planRemovals(d1, scope.tenantId, others);
  await d1.batch([
    move(`update record_identities set record_id = ? where tenant_id = ? and record_id in (${marks})`),
    d1
      .prepare(
        `delete from record_properties where tenant_id = ? and record_id in (${marks})
           and exists (select 1 from record_properties kept where kept.record_id = ? and kept.property_id = record_properties.property_id)`,
      )
      .bind(scope.tenantId, ...others, survivor),
    move(`update record_properties set record_id = ? where tenant_id = ? and record_id in (${marks})`),
    move(`update imports set record_id = ? where tenant_id = ? and record_id in (${marks})`),
    move(`update record_changes set record_id = ? where tenant_id = ? and record_id in (${marks})`),
    // Group memberships move too: the survivor keeps its own where both were members, and the history follows.
    move(`update or ignore group_members set record_id = ? where tenant_id = ? and record_id in (${marks})`),
    move(`update group_membership_changes set record_id = ? where tenant_id = ? and record_id in (${marks})`),
    d1.prepare(`delete from records where tenant_id = ? and id in (${marks})`).bind(scope.tenantId, ...others),
    d1
      .prepare(
        `update groups set member_count = (select count(*) from group_members m where m.group_id = groups.id)
         where tenant_id = ? and id in (select group_id from group_members where record_id = ?)`,
      )
      .bind(scope.tenantId, survivor),
    prepared(
      scope.db,
      auditEntry(scope, SYSTEM_ACTOR, requestId, {
        action: "record.merge",
        targetType: "record",
        targetId: survivor,
        before: { recordIds: found.map((r) => r.id) },
        after: { recordId: survivor, merged: others },
      }),
    ),
    ...removalStatements(d1, scope.tenantId, removals, Date.now()),
  ]);
  await nudgeDestinations(env, scope.tenantId, removals.map((r) => r.destinationId));
  return survivor;
}
