import type { z } from "zod";
import { coerce } from "../properties/coerce";
import type { PropertyType } from "../properties/types";
import { isPresenceOperator, OPERATOR_RULES, type TargetType } from "./operators";
import { blockShapeSchema, CREATED_AT, ruleSchema, type Rule, type RuleBlock } from "./tree";

/** How big a tree may get: deep or huge trees are unreadable to people and slow to evaluate on every Record change. */
export const RULE_TREE_LIMITS = {
  /** Blocks nested in each other, the outermost counting as one. */
  depth: 5,
  rules: 100,
  inValues: 1_000,
  /** The largest amount of a relative date ("in the last 1000 days"). */
  relativeAmount: 1_000,
} as const;

export interface RuleTreeError {
  /** Where in the tree, e.g. `rules[1].rules[0].operator`; empty for the tree as a whole. */
  path: string;
  message: string;
}

export type RuleTreeValidation = { ok: true; tree: RuleBlock } | { ok: false; errors: RuleTreeError[] };

export interface CatalogProperty {
  key: string;
  type: PropertyType;
  isArray: boolean;
}

const join = (path: string, part: string | number) => (typeof part === "number" ? `${path}[${part}]` : path ? `${path}.${part}` : part);

const looksLikeBlock = (node: unknown) => typeof node === "object" && node !== null && ("match" in node || "rules" in node);

class Validation {
  readonly errors: RuleTreeError[] = [];
  rules = 0;

  constructor(private readonly catalog: ReadonlyMap<string, CatalogProperty>) {}

  fail(path: string, message: string): undefined {
    this.errors.push({ path, message });
  }

  parse<S extends z.ZodTypeAny>(schema: S, node: unknown, path: string): z.output<S> | undefined {
    const parsed = schema.safeParse(node);
    if (parsed.success) return parsed.data;
    for (const issue of parsed.error.issues) this.fail(issue.path.reduce<string>(join, path), issue.message);
    return undefined;
  }

  block(node: unknown, path: string, depth: number): RuleBlock | undefined {
    const parsed = this.parse(blockShapeSchema, node, path);
    if (!parsed) return undefined;
    if (depth > RULE_TREE_LIMITS.depth) {
      return this.fail(path, `blocks nest at most ${RULE_TREE_LIMITS.depth} deep`);
    }
    if (!parsed.rules.length) {
      this.fail(join(path, "rules"), depth === 1 ? "a calculated Group needs at least one rule" : "a block needs at least one rule");
    }
    const rules = parsed.rules.map((child, i) =>
      looksLikeBlock(child) ? this.block(child, join(join(path, "rules"), i), depth + 1) : this.rule(child, join(join(path, "rules"), i)),
    );
    return { match: parsed.match, rules: rules.filter((r) => r !== undefined) };
  }

  rule(node: unknown, path: string): Rule | undefined {
    this.rules += 1;
    // Past the limit only the count matters; one error for the whole tree says so.
    if (this.rules > RULE_TREE_LIMITS.rules) return undefined;
    const rule = this.parse(ruleSchema, node, path);
    if (!rule) return undefined;
    const at = (field: string) => join(path, field);
    const property = rule.property === CREATED_AT ? undefined : this.catalog.get(rule.property);
    if (rule.property !== CREATED_AT && !property) {
      return this.fail(at("property"), `unknown Property "${rule.property}"`);
    }
    const type: TargetType = property?.type ?? "created_at";
    const { types, operand } = OPERATOR_RULES[rule.operator];
    if (!types.includes(type)) {
      return this.fail(at("operator"), `${rule.operator} does not apply to ${type === "created_at" ? "created_at" : `${type} Properties`}`);
    }
    const before = this.errors.length;
    if (rule.quantifier && !property?.isArray) this.fail(at("quantifier"), "applies only to array Properties");
    else if (rule.quantifier && isPresenceOperator(rule.operator)) this.fail(at("quantifier"), `${rule.operator} takes no quantifier`);

    const uses = { value: operand === "value" || operand === "fragment", values: operand === "values" || operand === "pair", amount: operand === "relative", unit: operand === "relative" };
    for (const field of ["value", "values", "amount", "unit"] as const) {
      if (uses[field] && rule[field] === undefined) this.fail(at(field), `is required for ${rule.operator}`);
      if (!uses[field] && rule[field] !== undefined) this.fail(at(field), `is not used by ${rule.operator}`);
    }
    if (this.errors.length > before) return undefined;

    const valueType: PropertyType = property?.type ?? "date";
    const normalized: Rule = { ...rule };
    if (operand === "fragment") {
      if (rule.value === "") this.fail(at("value"), "must not be empty");
      // Emails are stored lowercased, so a fragment with capitals could never match one.
      if (valueType === "email") normalized.value = rule.value!.toLowerCase();
    } else if (operand === "value") {
      normalized.value = this.coerced(valueType, rule.value!, at("value"));
    } else if (operand === "values" || operand === "pair") {
      normalized.values = this.list(rule, valueType, at("values"));
    } else if (operand === "relative" && rule.amount! > RULE_TREE_LIMITS.relativeAmount) {
      this.fail(at("amount"), `must be at most ${RULE_TREE_LIMITS.relativeAmount}`);
    }
    return this.errors.length > before ? undefined : normalized;
  }

  private list(rule: Rule, type: PropertyType, path: string): string[] | undefined {
    const values = rule.values!;
    if (rule.operator === "between") {
      if (values.length !== 2) return this.fail(path, "between takes two values, [low, high]");
    } else if (!values.length) {
      return this.fail(path, "must list at least one value");
    } else if (values.length > RULE_TREE_LIMITS.inValues) {
      return this.fail(path, `lists ${values.length} values; at most ${RULE_TREE_LIMITS.inValues}`);
    }
    const coerced = values.map((v, i) => this.coerced(type, v, join(path, i)));
    if (coerced.some((v) => v === undefined)) return undefined;
    const [low, high] = coerced as string[];
    if (rule.operator === "between" && isAbove(type, low!, high!)) return this.fail(path, "the low value is above the high value");
    return coerced as string[];
  }

  private coerced(type: PropertyType, raw: string, path: string): string | undefined {
    const result = coerce(type, raw);
    if (!result.ok) return this.fail(path, result.reason);
    if (result.value === null) return this.fail(path, "must not be empty");
    return result.value;
  }
}

/** Orders two coerced values as the compilers do: numbers as numbers, dates as their ISO text. */
const isAbove = (type: PropertyType, low: string, high: string) => (type === "integer" || type === "float" ? Number(low) > Number(high) : low > high);

/**
 * Checks a rule tree against a workspace's Properties and returns it normalized: every value in
 * the text its Property stores (so "1e2" for an integer becomes "100" and a date becomes ISO-8601
 * UTC), which is what both compilers compare against. Any error means the tree is refused whole.
 */
export function validateRuleTree(input: unknown, properties: readonly CatalogProperty[]): RuleTreeValidation {
  const validation = new Validation(new Map(properties.map((p) => [p.key, p])));
  const tree = validation.block(input, "", 1);
  if (validation.rules > RULE_TREE_LIMITS.rules) validation.fail("", `has ${validation.rules} rules; at most ${RULE_TREE_LIMITS.rules}`);
  if (validation.errors.length || !tree) return { ok: false, errors: validation.errors };
  return { ok: true, tree };
}
