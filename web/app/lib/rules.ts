/** Calculated Groups' rule trees: the draft the builder edits, the JSON the API takes, and both in words. */
import { OPERATOR_RULES, type Operand, type TargetType } from "../../../worker/rules/operators";
import type { CREATED_AT as API_CREATED_AT, Match, Operator, Quantifier, Rule, RuleBlock, RuleBlockInput, RuleInput, Unit, UNITS as API_UNITS } from "../../../worker/rules/tree";
import type { RULE_TREE_LIMITS, RuleTreeError } from "../../../worker/rules/validate";
import type { Property } from "./models";

export type { Match, Operator, Quantifier, Rule, RuleBlock, RuleTreeError, Unit };

// Spelled out rather than imported so the browser does not load the validator and its schemas;
// typed by the API's own constants, so the two cannot drift apart unnoticed.
export const CREATED_AT: typeof API_CREATED_AT = "created_at";
export const UNITS: typeof API_UNITS = ["days", "weeks", "months", "years"];
export const MAX_DEPTH: (typeof RULE_TREE_LIMITS)["depth"] = 5;

/** What a rule may name: a Property, or when the Record was created. */
export interface RuleTarget {
  key: string;
  type: TargetType;
  isArray: boolean;
}

/** The Properties rules may name; a Property keyed like the creation time would be shadowed by it, so it is left out. */
export const ruleTargets = (properties: Property[]): RuleTarget[] => [
  ...properties.filter((p) => p.key !== CREATED_AT).map((p) => ({ key: p.key, type: p.type, isArray: p.array })),
  { key: CREATED_AT, type: "created_at", isArray: false },
];

/** A rule as its inputs hold it: every operand as typed, so switching operators loses nothing. */
export interface DraftRule {
  property: string;
  operator: Operator;
  value: string;
  /** The list of `in`, as typed. */
  list: string;
  low: string;
  high: string;
  amount: string;
  unit: Unit;
  quantifier: Quantifier;
}

export interface DraftBlock {
  match: Match;
  rules: DraftNode[];
}

export type DraftNode = DraftRule | DraftBlock;

export const isDraftBlock = (node: DraftNode): node is DraftBlock => "match" in node;
const isBlock = (node: Rule | RuleBlock): node is RuleBlock => "match" in node;

export const operandOf = (operator: Operator): Operand => OPERATOR_RULES[operator].operand;

export const operatorsFor = (type: TargetType): Operator[] =>
  (Object.keys(OPERATOR_RULES) as Operator[]).filter((op) => OPERATOR_RULES[op].types.includes(type));

const BLANK = { value: "", list: "", low: "", high: "", amount: "", unit: "days", quantifier: "any" } as const;

export const newRule = (targets: RuleTarget[]): DraftRule => ({ ...BLANK, property: targets[0]?.key ?? CREATED_AT, operator: "equals" });

export const newBlock = (targets: RuleTarget[]): DraftBlock => ({ match: "all", rules: [newRule(targets)] });

/** A rule pointed at another Property keeps its operator only where that operator still applies. */
export function withProperty(rule: DraftRule, target: RuleTarget): DraftRule {
  return { ...rule, property: target.key, operator: operatorsFor(target.type).includes(rule.operator) ? rule.operator : "equals" };
}

/** One value per line; a single line may separate them with commas instead, so values holding commas go one per line. */
export function listFromText(text: string): string[] {
  const parts = text.includes("\n") ? text.split("\n") : text.split(",");
  return parts.map((v) => v.trim()).filter(Boolean);
}

const listToText = (values: string[]) => values.join(values.some((v) => v.includes(",")) ? "\n" : ", ");

function ruleInput(rule: DraftRule, target: RuleTarget | undefined): RuleInput {
  const operand = operandOf(rule.operator);
  const input: RuleInput = { property: rule.property, operator: rule.operator };
  if (operand === "value" || operand === "fragment") input.value = rule.value;
  if (operand === "values") input.values = listFromText(rule.list);
  if (operand === "pair") input.values = [rule.low, rule.high];
  if (operand === "relative") {
    // Left out when blank, so the API says the amount is required rather than that it is not a number.
    if (rule.amount.trim()) input.amount = Number(rule.amount);
    input.unit = rule.unit;
  }
  if (target?.isArray && operand !== "none") input.quantifier = rule.quantifier;
  return input;
}

/** The draft as the API takes it. Values go as typed: the API coerces them and says which are wrong. */
export function toRuleTree(block: DraftBlock, targets: RuleTarget[]): RuleBlockInput {
  const byKey = new Map(targets.map((t) => [t.key, t]));
  const walk = (b: DraftBlock): RuleBlockInput => ({
    match: b.match,
    rules: b.rules.map((node) => (isDraftBlock(node) ? walk(node) : ruleInput(node, byKey.get(node.property)))),
  });
  return walk(block);
}

/** A saved tree back into the builder. */
export function toDraft(block: RuleBlock): DraftBlock {
  return {
    match: block.match,
    rules: block.rules.map((node): DraftNode => {
      if (isBlock(node)) return toDraft(node);
      const values = node.values ?? [];
      return {
        property: node.property,
        operator: node.operator,
        value: node.value ?? "",
        list: operandOf(node.operator) === "values" ? listToText(values) : "",
        low: values[0] ?? "",
        high: values[1] ?? "",
        amount: node.amount === undefined ? "" : String(node.amount),
        unit: node.unit ?? "days",
        quantifier: node.quantifier ?? "any",
      };
    }),
  };
}

/** The Properties a draft names, in the order it names them first. */
export function keysOf(block: DraftBlock): string[] {
  const keys = block.rules.flatMap((node) => (isDraftBlock(node) ? keysOf(node) : [node.property]));
  return [...new Set(keys)];
}

/** Where a node sits, in the API's notation: `rules[1].rules[0]`; the outermost block is "". */
export const childPath = (path: string, index: number) => `${path ? `${path}.` : ""}rules[${index}]`;

/** How people number a node: "2.1" is the first rule of the second item. */
export const childNumber = (number: string, index: number) => (number ? `${number}.${index + 1}` : String(index + 1));

/** The API's errors about the tree, with the outermost block's path as "". */
export function ruleErrors(details: unknown): RuleTreeError[] {
  if (!Array.isArray(details)) return [];
  return details.flatMap((d: { path?: unknown; message?: unknown }) =>
    typeof d?.path === "string" && typeof d.message === "string" ? [{ path: d.path === "(root)" ? "" : d.path, message: d.message }] : [],
  );
}

/** Paths of the rule tree itself, not of other fields sent with it (a Group's name). */
const isTreePath = (path: string) => path === "" || path === "match" || path.startsWith("rules");

/** The errors of an API refusal that are about the rule tree. */
export const treeErrors = (error: { details?: unknown } | undefined) => ruleErrors(error?.details).filter((e) => isTreePath(e.path));

/** The errors a rule's own inputs caused: the rule itself or any field under it. */
export const errorsOfRule = (errors: RuleTreeError[], path: string) => errors.filter((e) => e.path === path || e.path.startsWith(`${path}.`));

const fieldPath = (path: string, field: string) => (path ? `${path}.${field}` : field);

/** The errors about a block itself (how deep it nests, its match, an empty list), not about its children. */
export const errorsOfBlock = (errors: RuleTreeError[], path: string) =>
  errors.filter((e) => e.path === path || e.path === fieldPath(path, "match") || e.path === fieldPath(path, "rules"));

const OPERATOR_WORDS: Record<Operator, string> = {
  equals: "equals",
  not_equals: "does not equal",
  exists: "has a value",
  not_exists: "has no value",
  in: "is one of",
  gt: "is greater than",
  gte: "is at least",
  lt: "is less than",
  lte: "is at most",
  between: "is between",
  contains: "contains",
  not_contains: "does not contain",
  starts_with: "starts with",
  ends_with: "ends with",
  contains_ci: "contains (ignoring case)",
  not_contains_ci: "does not contain (ignoring case)",
  starts_with_ci: "starts with (ignoring case)",
  ends_with_ci: "ends with (ignoring case)",
  equals_ci: "equals (ignoring case)",
  in_last: "is in the last",
  not_in_last: "is not in the last",
  in_next: "is in the next",
};

const TIME_WORDS: Partial<Record<Operator, string>> = { gt: "is after", gte: "is on or after", lt: "is before", lte: "is on or before" };

/** An operator as a person reads it; comparisons of times say before and after. */
export const operatorLabel = (operator: Operator, type: TargetType) =>
  ((type === "date" || type === "created_at") && TIME_WORDS[operator]) || OPERATOR_WORDS[operator];

/** How the creation time is named in a list of choices, and inside a sentence. */
export const CREATED_AT_LABEL = "Created at";
const subjectOf = (key: string) => (key === CREATED_AT ? "created at" : key);

/** One saved rule in words: "any value of tags equals vip", "ltv is between 10 and 100". */
export function describeRule(rule: Rule, targets: RuleTarget[]): string {
  const type = targets.find((t) => t.key === rule.property)?.type ?? "string";
  const subject = rule.quantifier ? `${rule.quantifier === "any" ? "any value" : "no value"} of ${rule.property}` : subjectOf(rule.property);
  const values = rule.values ?? [];
  const operand: Record<Operand, string> = {
    none: "",
    value: rule.value ?? "",
    fragment: rule.value ?? "",
    values: values.join(", "),
    pair: `${values[0]} and ${values[1]}`,
    relative: `${rule.amount} ${rule.unit}`,
  };
  return [subject, operatorLabel(rule.operator, type), operand[operandOf(rule.operator)]].filter(Boolean).join(" ");
}

/** A saved tree in words: rules joined by AND or OR, nested blocks in brackets. */
export function describeTree(block: RuleBlock, targets: RuleTarget[]): string {
  const parts = block.rules.map((node) => (isBlock(node) ? `(${describeTree(node, targets)})` : describeRule(node, targets)));
  return parts.join(block.match === "all" ? " AND " : " OR ");
}

/** Errors naming no rule or block of the draft (a save's errors about rules removed since), shown with the preview so none goes unseen. */
export function unplacedErrors(tree: DraftBlock, errors: RuleTreeError[]): RuleTreeError[] {
  const claimed = new Set<RuleTreeError>();
  const walk = (block: DraftBlock, path: string) => {
    for (const e of errorsOfBlock(errors, path)) claimed.add(e);
    block.rules.forEach((node, i) => {
      const at = childPath(path, i);
      if (isDraftBlock(node)) walk(node, at);
      else for (const e of errorsOfRule(errors, at)) claimed.add(e);
    });
  };
  walk(tree, "");
  return errors.filter((e) => !claimed.has(e));
}
