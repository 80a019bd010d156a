import type { PropertyType } from "../properties/types";
import type { Operator } from "./tree";

/** What a rule compares against: a Property's type, or the Record's creation time. */
export type TargetType = PropertyType | "created_at";

/** What an operator needs besides the Property: nothing, one value, a list, a low/high pair, a text fragment, or an amount of time. */
export type Operand = "none" | "value" | "values" | "pair" | "fragment" | "relative";

const ALL: readonly TargetType[] = ["string", "integer", "float", "boolean", "date", "email", "phone", "url", "created_at"];
const ORDERED: readonly TargetType[] = ["integer", "float", "date", "created_at"];
const TEXT: readonly TargetType[] = ["string", "email", "url", "phone"];
const TIME: readonly TargetType[] = ["date", "created_at"];

export const OPERATOR_RULES: Record<Operator, { types: readonly TargetType[]; operand: Operand }> = {
  equals: { types: ALL, operand: "value" },
  not_equals: { types: ALL, operand: "value" },
  exists: { types: ALL, operand: "none" },
  not_exists: { types: ALL, operand: "none" },
  in: { types: ALL, operand: "values" },
  gt: { types: ORDERED, operand: "value" },
  gte: { types: ORDERED, operand: "value" },
  lt: { types: ORDERED, operand: "value" },
  lte: { types: ORDERED, operand: "value" },
  between: { types: ORDERED, operand: "pair" },
  contains: { types: TEXT, operand: "fragment" },
  not_contains: { types: TEXT, operand: "fragment" },
  starts_with: { types: TEXT, operand: "fragment" },
  ends_with: { types: TEXT, operand: "fragment" },
  contains_ci: { types: TEXT, operand: "fragment" },
  not_contains_ci: { types: TEXT, operand: "fragment" },
  starts_with_ci: { types: TEXT, operand: "fragment" },
  ends_with_ci: { types: TEXT, operand: "fragment" },
  equals_ci: { types: TEXT, operand: "value" },
  in_last: { types: TIME, operand: "relative" },
  not_in_last: { types: TIME, operand: "relative" },
  in_next: { types: TIME, operand: "relative" },
};

/** Operators whose answer is about presence, so a quantifier over elements means nothing to them. */
export const isPresenceOperator = (operator: Operator) => OPERATOR_RULES[operator].operand === "none";
