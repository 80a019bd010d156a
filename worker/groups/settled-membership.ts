import type { GroupVerdict } from "./verdicts";

/** One Record's verdicts, with the revision they were worked out at. */
export interface RecordVerdicts {
  recordId: string;
  revision: number;
  verdicts: GroupVerdict[];
}

/**
 * The statements that store what Records' objects decided about their Groups, per Group one set for
 * many Records (their verdicts travel as one JSON parameter). They run in the same D1 batch as the
 * Records' values and before their revisions move: a verdict only counts while its Record is still
 * unwritten at that revision and its Group's rules are still the version it was judged under.
 */
export function settledMembershipStatements(d1: D1Database, tenantId: string, records: readonly RecordVerdicts[], now: number): D1PreparedStatement[] {
  const byGroup = new Map<string, { groupId: string; version: number; rows: [string, number, number][] }>();
  for (const r of records) {
    for (const v of r.verdicts) {
      const key = `${v.groupId}:${v.version}`;
      const entry = byGroup.get(key) ?? { groupId: v.groupId, version: v.version, rows: [] };
      entry.rows.push([r.recordId, r.revision, v.member ? 1 : 0]);
      byGroup.set(key, entry);
    }
  }
  const verdicts = `with m as (
    select json_extract(value, '$[0]') as record_id, json_extract(value, '$[2]') as member from json_each(?1)
    where (select revision from records where id = json_extract(value, '$[0]') and tenant_id = ?2) < json_extract(value, '$[1]')
      and (select rules_version from groups where id = ?3 and tenant_id = ?2) = ?5)`;
  const isMember = "exists (select 1 from group_members gm where gm.group_id = ?3 and gm.record_id = m.record_id)";
  const sql = [
    `${verdicts} insert into group_membership_changes (tenant_id, group_id, record_id, change, at, run_id)
     select ?2, ?3, m.record_id, case when m.member = 1 then 'joined' else 'left' end, ?4, null from m where m.member <> ${isMember}`,
    `${verdicts} insert into group_members (tenant_id, group_id, record_id, joined_at) select ?2, ?3, m.record_id, ?4 from m where m.member = 1 on conflict do nothing`,
    `${verdicts} delete from group_members where group_id = ?3 and record_id in (select record_id from m where member = 0) and ?4 is not null`,
    `update groups set member_count = (select count(*) from group_members where group_id = ?3) where id = ?3 and tenant_id = ?2 and rules_version = ?5 and ?1 is not null and ?4 is not null`,
  ];
  return [...byGroup.values()].flatMap(({ groupId, version, rows }) => sql.map((s) => d1.prepare(s).bind(JSON.stringify(rows), tenantId, groupId, now, version)));
}
