import type { Slot } from "../pipeline/record-state";
import { toCondition } from "./conditions";
import { conditionPredicate, type PredicateContext } from "./predicate";
import { CREATED_AT, isBlock, type Match, type Rule, type RuleBlock } from "./tree";

/** One stored value as a person reading the explanation needs it: what it is, or what arrived and why it is invalid. */
export type ExplainedValue = Omit<Slot, "changedAt">;

/** The rule as written, whether it matched, and the Record's values for its Property (recordValues: `values` is the rule's own list). */
export type ExplainedRule = Rule & { matched: boolean; recordValues: ExplainedValue[] };

export interface ExplainedBlock {
  match: Match;
  matched: boolean;
  rules: (ExplainedRule | ExplainedBlock)[];
}

export interface ExplainRecord {
  createdAt: number;
  values: Record<string, readonly ExplainedValue[]>;
}

function valuesOf(rule: Rule, record: ExplainRecord): ExplainedValue[] {
  if (rule.property === CREATED_AT) return [{ position: 0, value: new Date(record.createdAt).toISOString(), invalidValue: null, invalidReason: null }];
  const slots = Object.hasOwn(record.values, rule.property) ? record.values[rule.property]! : [];
  return slots.map(({ position, value, invalidValue, invalidReason }) => ({ position, value, invalidValue, invalidReason }));
}

function explainRule(rule: Rule, ctx: PredicateContext, record: ExplainRecord): ExplainedRule {
  const matched = conditionPredicate(toCondition(rule, ctx.propertiesByKey, ctx.now))(record);
  return { ...rule, matched, recordValues: valuesOf(rule, record) };
}

/** Why a Record is or is not in a calculated Group: the tree again, each rule and block marked matched or not, with the values each rule looked at. */
export function explainRecord(tree: RuleBlock, ctx: PredicateContext, record: ExplainRecord): ExplainedBlock {
  // Every child is explained, not just those up to the first that decides the block.
  const rules = tree.rules.map((child) => (isBlock(child) ? explainRecord(child, ctx, record) : explainRule(child, ctx, record)));
  const matched = tree.match === "all" ? rules.every((r) => r.matched) : rules.some((r) => r.matched);
  return { match: tree.match, matched, rules };
}
