import { and, desc, eq, inArray } from "drizzle-orm";
import { groupMembers, properties, records, runs, type Group, type Property } from "../db/schema";
import type { TenantScope } from "../db/tenant-scope";
import type { Actor } from "../context";
import type { Env } from "../env";
import { ApiError, notFound } from "../errors";
import { ruleProperties } from "../groups/calculated";
import { startRecalculation } from "../groups/recalculate";
import { compileToIdSet } from "../rules/compile-set-sql";
import { compileToSql } from "../rules/compile-sql";
import { explainRecord, type ExplainRecord } from "../rules/explain";
import type { RuleBlock } from "../rules/tree";
import { validateRuleTree } from "../rules/validate";
import { auditEntry } from "./audit-log";
import { findGroup } from "./groups";
import { listedRecord, slotsOf } from "./records";

/** Records a preview shows besides the count. */
const PREVIEW_SAMPLE = 10;

/** Checks a rule tree against the workspace's Properties: the normalized tree, or a 400 naming every rule that is wrong and how. */
export function checkRules(input: unknown, props: readonly Property[]): RuleBlock {
  const checked = validateRuleTree(input, props);
  if (checked.ok) return checked.tree;
  const details = checked.errors.map((e) => ({ path: e.path || "(root)", message: e.message }));
  throw new ApiError("invalid_request", `Invalid rules: ${details[0]!.path}: ${details[0]!.message}`, details);
}

/** A Record's valid and invalid values by Property key, as explanations show them. */
async function valuesOf(scope: TenantScope, recordId: string, props: readonly Property[]): Promise<ExplainRecord["values"]> {
  const keyOf = new Map(props.map((p) => [p.id, p.key]));
  const values: ExplainRecord["values"] = {};
  for (const slot of (await slotsOf(scope, [recordId])).sort((a, b) => a.position - b.position)) {
    const key = keyOf.get(slot.propertyId);
    if (key) values[key] = [...(values[key] ?? []), { position: slot.position, value: slot.value, invalidValue: slot.invalidValue, invalidReason: slot.invalidReason }];
  }
  return values;
}

/** What a draft rule tree would hold now: how many Records, and a few of the newest with their values. Nothing is saved. */
export async function previewRules(scope: TenantScope, input: unknown) {
  const props = await scope.select(properties);
  const tree = checkRules(input, props);
  const ctx = { tenantId: scope.tenantId, propertiesByKey: ruleProperties(props), now: Date.now() };
  // The count comes from the rules' sets of Records alone. The sample walks Records newest first,
  // probing each one's own values, and stops at the tenth match: gathering the sets a second time
  // for it cost as much as the count itself.
  const counted = compileToIdSet(tree, ctx);
  const sampled = compileToSql(tree, ctx);
  const [total, sample] = await scope.db.$client.batch<{ n?: number; id?: string }>([
    scope.db.$client.prepare(`select count(*) as n from (${counted.sql})`).bind(...counted.params),
    scope.db.$client.prepare(`select r.id from records r where ${sampled.sql} order by r.created_at desc, r.id limit ?2`).bind(...sampled.params, PREVIEW_SAMPLE),
  ]);
  const ids = sample!.results.map((r) => r.id!);
  const [rows, slots] = ids.length ? await Promise.all([scope.selectNamed(records, inArray(records.id, ids)), slotsOf(scope, ids)]) : [[], []];
  const byId = new Map(rows.map((r) => [r.id, r]));
  return {
    count: total!.results[0]!.n!,
    sample: ids.map((id) => {
      const listed = listedRecord(byId.get(id)!, props, slots.filter((s) => s.recordId === id));
      return { id, createdAt: listed.createdAt, values: listed.properties };
    }),
  };
}

/** Why a Record is or is not in a calculated Group: each rule marked matched or not, with the Record's values it looked at. */
export async function explainMembership(scope: TenantScope, groupId: string, recordId: string) {
  const group = await findGroup(scope, groupId);
  if (group.type !== "calculated") throw new ApiError("invalid_request", "A manual Group has no rules to explain: its members were added by hand", { field: "type" });
  const record = await scope.findOne(records, eq(records.id, recordId));
  if (!record) throw notFound("Record");
  const props = await scope.select(properties);
  const tree = checkRules(group.rules, props);
  const [values, member] = await Promise.all([valuesOf(scope, recordId, props), scope.findOne(groupMembers, and(eq(groupMembers.groupId, groupId), eq(groupMembers.recordId, recordId))!)]);
  const explanation = explainRecord(tree, { propertiesByKey: ruleProperties(props), now: Date.now() }, { createdAt: record.createdAt.getTime(), values });
  return { member: member !== undefined, matches: explanation.matched, explanation };
}

/** The newest recalculation of a Group, going or finished, for people to see its progress and outcome. */
export async function latestRecalculation(scope: TenantScope, group: Group) {
  if (group.type !== "calculated") return null;
  const [run] = await scope.select(runs, eq(runs.groupId, group.id)).orderBy(desc(runs.createdAt), desc(runs.id)).limit(1);
  return run ?? null;
}

/** Recalculates a calculated Group now, by hand; refused while one is already going. */
export async function recalculateByHand(scope: TenantScope, env: Env, actor: Actor, requestId: string, groupId: string) {
  const group = await findGroup(scope, groupId);
  if (group.type !== "calculated") throw new ApiError("invalid_request", "Only calculated Groups are recalculated; a manual Group changes by hand", { field: "type" });
  const run = await startRecalculation(scope, env, groupId, "manual");
  if (!run) throw new ApiError("conflict", "A recalculation of this Group is already going");
  await auditEntry(scope, actor, requestId, { action: "group.recalculate", targetType: "group", targetId: groupId, after: { runId: run.id } });
  return run;
}
