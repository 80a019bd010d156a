import type { Slot } from "../pipeline/record-state";
import { foldAscii } from "./ascii-case";
import { toCondition, type Condition, type Constant, type RuleProperty, type Target, type Test } from "./conditions";
import { isBlock, type Rule, type RuleBlock } from "./tree";

/** A Record as its object holds it: when it was created and every Property's slots by key. */
export interface RuleRecord {
  createdAt: number;
  values: Record<string, readonly Pick<Slot, "value">[]>;
}

export interface PredicateContext {
  propertiesByKey: ReadonlyMap<string, RuleProperty>;
  /** The instant relative dates are measured from (epoch ms). */
  now: number;
}

export type RecordPredicate = (record: RuleRecord) => boolean;

/** The valid values a rule looks at; `hasOwn` because a Property may well be keyed "constructor". */
export function elementsOf(target: Target, record: RuleRecord): Constant[] {
  if (target.kind === "created_at") return [record.createdAt];
  const slots = Object.hasOwn(record.values, target.key) ? record.values[target.key]! : [];
  return slots.flatMap((slot) => (slot.value === null ? [] : [slot.value]));
}

function elementTest(test: Test, target: Target): (element: Constant) => boolean {
  switch (test.kind) {
    case "equals":
      return (element) => element === test.value;
    case "in": {
      const values = new Set(test.values);
      return (element) => values.has(element);
    }
    case "range": {
      const numeric = target.kind === "created_at" || target.scale !== "text";
      const { low, high } = test;
      return (element) => {
        const x = numeric ? Number(element) : element;
        if (low && (low.inclusive ? x < low.at : x <= low.at)) return false;
        if (high && (high.inclusive ? x > high.at : x >= high.at)) return false;
        return true;
      };
    }
    case "text": {
      const { fragment, foldCase, position } = test;
      return (element) => {
        const text = foldCase ? foldAscii(String(element)) : String(element);
        if (position === "anywhere") return text.includes(fragment);
        if (position === "start") return text.startsWith(fragment);
        if (position === "end") return text.endsWith(fragment);
        return text === fragment;
      };
    }
  }
}

/** The in-memory twin of compile-sql's conditionSql: same elements, same quantifiers, same missing-value rule. */
export function conditionPredicate(condition: Condition): RecordPredicate {
  const { target } = condition;
  if ("presence" in condition) {
    const wanted = condition.presence === "exists";
    return (record) => elementsOf(target, record).length > 0 === wanted;
  }
  const passes = elementTest(condition.test, target);
  const { negate, quantifier } = condition;
  return (record) => {
    const elements = elementsOf(target, record);
    if (!elements.length) return false;
    const hit = elements.some((element) => passes(element) !== negate);
    return quantifier === "any" ? hit : !hit;
  };
}

function nodePredicate(node: Rule | RuleBlock, ctx: PredicateContext): RecordPredicate {
  if (!isBlock(node)) return conditionPredicate(toCondition(node, ctx.propertiesByKey, ctx.now));
  const children = node.rules.map((child) => nodePredicate(child, ctx));
  return node.match === "all" ? (record) => children.every((p) => p(record)) : (record) => children.some((p) => p(record));
}

/**
 * Compiles a validated tree into the test a Record's object runs when the Record changes. It
 * agrees with compileToSql on every Record (test/api/rules-agree.test.ts proves it on random trees).
 */
export const compilePredicate = (tree: RuleBlock, ctx: PredicateContext): RecordPredicate => nodePredicate(tree, ctx);
