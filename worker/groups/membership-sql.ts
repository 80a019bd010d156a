import { compileToSql } from "../rules/compile-sql";
import type { CalculatedGroup, RuleProperties } from "./calculated";

/**
 * Which Records a statement reconsiders: a range of ids (one page of a recalculation) or a list
 * (Records just written, whose membership must be worked out again under newer rules).
 */
export type RecordSelection = { after: string; through: string } | { recordIds: string[] };

/** The history inserts, then the statements that apply the change. */
export interface MembershipStatements {
  joined: D1PreparedStatement;
  left: D1PreparedStatement;
  apply: D1PreparedStatement[];
}

export interface MembershipSqlInput {
  tenantId: string;
  group: CalculatedGroup;
  properties: RuleProperties;
  /** When the changes happen, for their history. */
  now: number;
  /** The instant relative dates are measured from; a recalculation judges every page as of its start. */
  asOf?: number;
  /** The recalculation Run the changes belong to, if any. */
  runId: string | null;
  selection: RecordSelection;
  /** Only write while the Run is still running and on this page, so a redelivered page changes nothing. */
  page?: number;
}

/**
 * The statements that make a calculated Group's membership match its rules for some Records, in
 * one D1 batch: history first (only for real changes), then members added and removed, then the
 * count. Every statement re-checks the rules version (and the Run's page when given), so work
 * done under rules that have since changed writes nothing. The rules are evaluated inside each
 * statement, over D1's current values, so no value read earlier can go stale in between.
 */
export function membershipStatements(d1: D1Database, input: MembershipSqlInput): MembershipStatements {
  const { tenantId, group, now, runId, selection } = input;
  const rules = compileToSql(group.tree, { tenantId, propertiesByKey: input.properties, now: input.asOf ?? now });
  // ?1 is the rules' constants; the rest are numbered from ?2 so the rule expression can appear more than once.
  // D1 refuses bound values a statement never names, so the list form names ?7 too.
  const inSelection = "recordIds" in selection ? "r.id in (select value from json_each(?6)) and ?7 is null" : "r.id > ?6 and r.id <= ?7";
  const selectionParams = "recordIds" in selection ? [JSON.stringify(selection.recordIds), null] : [selection.after, selection.through];
  const guard = `(select rules_version from groups where id = ?3 and tenant_id = ?2) = ?8
    and (?9 is null or (select page from runs where id = ?5 and tenant_id = ?2 and state = 'running') = ?9)`;
  const params = [rules.params[0], tenantId, group.id, now, runId, ...selectionParams, group.version, input.page ?? null];
  const records = `records r where r.tenant_id = ?2 and ${inSelection}`;
  const isMember = "exists (select 1 from group_members gm where gm.group_id = ?3 and gm.record_id = r.id)";
  const [joined, left, ...apply] = [
    `insert into group_membership_changes (tenant_id, group_id, record_id, change, at, run_id)
     select ?2, ?3, r.id, 'joined', ?4, ?5 from ${records} and ${rules.sql} and not ${isMember} and ${guard}`,
    `insert into group_membership_changes (tenant_id, group_id, record_id, change, at, run_id)
     select ?2, ?3, r.id, 'left', ?4, ?5 from ${records} and ${isMember} and not ${rules.sql} and ${guard}`,
    `insert into group_members (tenant_id, group_id, record_id, joined_at)
     select ?2, ?3, r.id, ?4 from ${records} and ${rules.sql} and ${guard} on conflict do nothing`,
    `delete from group_members where group_id = ?3 and record_id in (select r.id from ${records} and not ${rules.sql}) and ${guard}`,
    `update groups set member_count = (select count(*) from group_members where group_id = ?3) where id = ?3 and tenant_id = ?2 and ${guard}`,
  ].map((statement) => d1.prepare(statement).bind(...params));
  return { joined: joined!, left: left!, apply };
}
