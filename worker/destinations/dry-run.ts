import type { Property } from "../db/schema";
import type { Destination } from "../db/destinations-schema";
import type { TenantScope } from "../db/tenant-scope";
import { payloadFor, type DestinationPlan } from "./decide";
import { destinationPlans } from "./plans";
import type { DryRunChange, ExportPayload } from "./types";

/** Records read per step: their values and Groups in two statements. */
const STEP = 400;
const SAMPLE = 10;

function diff(recordId: string, action: DryRunChange["action"], before: ExportPayload | null, after: ExportPayload | null): DryRunChange {
  const fields: DryRunChange["fields"] = {};
  const keys = new Set([...Object.keys(before?.fields ?? {}), ...Object.keys(after?.fields ?? {})]);
  for (const key of keys) {
    const was = before?.fields[key];
    const will = after?.fields[key];
    if (JSON.stringify(was ?? null) !== JSON.stringify(will ?? null)) fields[key] = { before: was, after: will };
  }
  const was = before?.lists ?? [];
  const will = after?.lists ?? [];
  return { recordId, action, fields, lists: { add: will.filter((l) => !was.includes(l)), remove: was.filter((l) => !will.includes(l)) } };
}

const sameAs = (a: ExportPayload, b: ExportPayload) => Object.keys(diff("", "update", a, b).fields).length === 0 && JSON.stringify(a.lists) === JSON.stringify(b.lists);

/**
 * What a sync of the Destination would do now, worked out from D1 alone and sending nothing: how
 * many Records would be created, updated, removed or left as they are, compared with what the
 * Destination was last sent, and the first few changes field by field.
 */
export async function dryRun(scope: TenantScope, destination: Destination, props: readonly Property[]) {
  const plan = (await destinationPlans(scope, props)).find((p) => p.id === destination.id)!;
  const d1 = scope.db.$client;
  const counts = { create: 0, update: 0, delete: 0, unchanged: 0 };
  const sample: DryRunChange[] = [];
  // A Destination that only receives events has no Records to bring in line.
  if (!plan.sendRecords) return { ...counts, sample };
  const groupIds = [...new Set([...(plan.groupId ? [plan.groupId] : []), ...plan.lists.map((l) => l.groupId)])];
  const propertyIds = props.filter((p) => plan.fields.some((f) => f.key === p.key)).map((p) => p.id);
  const keyOf = new Map(props.map((p) => [p.id, p.key]));
  let after = "";
  for (;;) {
    const { results: page } = await d1
      .prepare(
        `select id from (${plan.groupId ? "select record_id as id from group_members where group_id = ?3 and tenant_id = ?1" : "select id from records where tenant_id = ?1 and ?3 is null"}
           union select record_id as id from destination_records where destination_id = ?2 and tenant_id = ?1)
         where id > ?4 order by id limit ?5`,
      )
      .bind(scope.tenantId, destination.id, plan.groupId, after, STEP)
      .all<{ id: string }>();
    if (!page.length) break;
    after = page.at(-1)!.id;
    const ids = JSON.stringify(page.map((r) => r.id));
    const [values, memberships, held] = await d1.batch([
      d1
        .prepare(
          `select record_id, property_id, position, value from record_properties indexed by record_properties_record_property_idx
           where record_id in (select value from json_each(?1)) and property_id in (select value from json_each(?2)) and +tenant_id = ?3`,
        )
        .bind(ids, JSON.stringify(propertyIds), scope.tenantId),
      d1
        .prepare("select record_id, group_id from group_members where record_id in (select value from json_each(?1)) and group_id in (select value from json_each(?2))")
        .bind(ids, JSON.stringify(groupIds)),
      d1.prepare("select record_id, payload from destination_records where destination_id = ?1 and record_id in (select value from json_each(?2))").bind(destination.id, ids),
    ]);
    const records = new Map(page.map((r) => [r.id, { values: {} as Record<string, (string | null)[]>, groups: new Set<string>() }]));
    for (const v of (values!.results as { record_id: string; property_id: string; position: number; value: string | null }[]).sort((a, b) => a.position - b.position)) {
      const key = keyOf.get(v.property_id)!;
      const record = records.get(v.record_id)!;
      record.values[key] = [...(record.values[key] ?? []), v.value];
    }
    for (const m of memberships!.results as { record_id: string; group_id: string }[]) records.get(m.record_id)!.groups.add(m.group_id);
    const sent = new Map((held!.results as { record_id: string; payload: string }[]).map((h) => [h.record_id, JSON.parse(h.payload) as ExportPayload]));
    for (const [recordId, record] of records) {
      const change = decide(plan, recordId, record, sent.get(recordId) ?? null);
      counts[change?.action ?? "unchanged"] += 1;
      if (change && sample.length < SAMPLE) sample.push(change);
    }
  }
  return { ...counts, sample };
}

/** What a sync would do for one Record, or null when the Destination already holds what it would be sent. */
function decide(plan: DestinationPlan, recordId: string, record: { values: Record<string, (string | null)[]>; groups: Set<string> }, held: ExportPayload | null): DryRunChange | null {
  const inCollection = plan.groupId === null || record.groups.has(plan.groupId);
  if (!inCollection) return held && plan.syncMode === "sync" ? diff(recordId, "delete", held, null) : null;
  const payload = payloadFor(plan, record);
  // Enrich mode only updates what the tool has; whether it has this Record is for the tool to say, so it is tried.
  if (!held) return diff(recordId, plan.syncMode === "enrich" ? "update" : "create", null, payload);
  return sameAs(held, payload) ? null : diff(recordId, "update", held, payload);
}
