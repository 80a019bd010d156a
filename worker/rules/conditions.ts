import type { PropertyType } from "../properties/types";
import { foldAscii } from "./ascii-case";
import { relativeWindow } from "./relative-dates";
import { CREATED_AT, type Quantifier, type Rule } from "./tree";

/** What the compilers need to know about a Property a rule names. */
export interface RuleProperty {
  type: PropertyType;
  isArray: boolean;
}

/**
 * How an element is ordered: stored text as numbers (integer, float), stored text as text (dates,
 * whose ISO-8601 text sorts by time for years 0000–9999), or the Record's creation time in ms.
 */
export type Scale = "text" | "integer" | "real" | "ms";

export type Target = { kind: "created_at" } | { kind: "property"; key: string; scale: Exclude<Scale, "ms"> };

/** A Property's elements are its stored text; the creation time is a number of ms. */
export type Constant = string | number;
export interface Bound {
  at: Constant;
  inclusive: boolean;
}

export type Test =
  | { kind: "equals"; value: Constant }
  | { kind: "in"; values: Constant[] }
  | { kind: "range"; low?: Bound; high?: Bound }
  | { kind: "text"; position: "anywhere" | "start" | "end" | "whole"; fragment: string; foldCase: boolean };

/**
 * One rule reduced to the single comparison both compilers render, so the SQL and the predicate
 * cannot read a rule differently: relative dates, case folding of fragments and the scale of
 * numbers are all decided here, once.
 *
 * Elements are a Record's valid values only (invalid and missing slots are not elements). A test
 * rule needs at least one element to match: with quantifier "any" some element passes (after
 * `negate`), with "none" none passes. So `not_equals` and `not_contains` never match a Record
 * without a valid value, just like `equals` and `contains`; only `not_exists` does.
 */
export type Condition = { target: Target; presence: "exists" | "not_exists" } | { target: Target; quantifier: Quantifier; negate: boolean; test: Test };

const SCALE: Record<PropertyType, Exclude<Scale, "ms">> = {
  string: "text",
  integer: "integer",
  float: "real",
  boolean: "text",
  date: "text",
  email: "text",
  phone: "text",
  url: "text",
};

function required<T>(value: T | undefined, what: string, rule: Rule): T {
  if (value === undefined) throw new Error(`rule on "${rule.property}" with ${rule.operator} has no ${what}; validate rule trees before compiling them`);
  return value;
}

export function targetOf(rule: Rule, properties: ReadonlyMap<string, RuleProperty>): Target {
  if (rule.property === CREATED_AT) return { kind: "created_at" };
  const property = properties.get(rule.property);
  if (!property) throw new Error(`rule names unknown Property "${rule.property}"`);
  return { kind: "property", key: rule.property, scale: SCALE[property.type] };
}

export function toCondition(rule: Rule, properties: ReadonlyMap<string, RuleProperty>, now: number): Condition {
  const target = targetOf(rule, properties);
  const scale: Scale = target.kind === "created_at" ? "ms" : target.scale;
  // Equality is on the stored text itself (it is canonical per type); ordering is by the scale.
  const exact = (text: string): Constant => (scale === "ms" ? Date.parse(text) : text);
  const ordered = (text: string): Constant => (scale === "ms" ? Date.parse(text) : scale === "text" ? text : Number(text));
  const instant = (ms: number): Constant => (scale === "ms" ? ms : new Date(ms).toISOString());
  const value = () => required(rule.value, "value", rule);
  const values = () => required(rule.values, "values", rule);
  const test = (t: Test, negate = false): Condition => ({ target, quantifier: rule.quantifier ?? "any", negate, test: t });
  const text = (position: "anywhere" | "start" | "end" | "whole", foldCase: boolean, negate = false) =>
    test({ kind: "text", position, foldCase, fragment: foldCase ? foldAscii(value()) : value() }, negate);
  const window = (direction: "last" | "next", negate = false) => {
    const { from, to } = relativeWindow(direction, required(rule.amount, "amount", rule), required(rule.unit, "unit", rule), now);
    return test({ kind: "range", low: { at: instant(from), inclusive: true }, high: { at: instant(to), inclusive: true } }, negate);
  };

  switch (rule.operator) {
    case "exists":
    case "not_exists":
      return { target, presence: rule.operator };
    case "equals":
      return test({ kind: "equals", value: exact(value()) });
    case "not_equals":
      return test({ kind: "equals", value: exact(value()) }, true);
    case "in":
      return test({ kind: "in", values: values().map(exact) });
    case "gt":
      return test({ kind: "range", low: { at: ordered(value()), inclusive: false } });
    case "gte":
      return test({ kind: "range", low: { at: ordered(value()), inclusive: true } });
    case "lt":
      return test({ kind: "range", high: { at: ordered(value()), inclusive: false } });
    case "lte":
      return test({ kind: "range", high: { at: ordered(value()), inclusive: true } });
    case "between": {
      const [low, high] = values();
      return test({ kind: "range", low: { at: ordered(required(low, "low value", rule)), inclusive: true }, high: { at: ordered(required(high, "high value", rule)), inclusive: true } });
    }
    case "contains":
      return text("anywhere", false);
    case "not_contains":
      return text("anywhere", false, true);
    case "starts_with":
      return text("start", false);
    case "ends_with":
      return text("end", false);
    case "contains_ci":
      return text("anywhere", true);
    case "not_contains_ci":
      return text("anywhere", true, true);
    case "starts_with_ci":
      return text("start", true);
    case "ends_with_ci":
      return text("end", true);
    case "equals_ci":
      return text("whole", true);
    case "in_last":
      return window("last");
    case "not_in_last":
      return window("last", true);
    case "in_next":
      return window("next");
  }
}
