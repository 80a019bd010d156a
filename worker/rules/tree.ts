import { z } from "zod";

/** The pseudo-Property every rule may name: when the Record was created. */
export const CREATED_AT = "created_at";

export const OPERATORS = [
  "equals",
  "not_equals",
  "exists",
  "not_exists",
  "in",
  "gt",
  "gte",
  "lt",
  "lte",
  "between",
  "contains",
  "not_contains",
  "starts_with",
  "ends_with",
  "contains_ci",
  "not_contains_ci",
  "starts_with_ci",
  "ends_with_ci",
  "equals_ci",
  "in_last",
  "not_in_last",
  "in_next",
] as const;
export type Operator = (typeof OPERATORS)[number];

export const UNITS = ["days", "weeks", "months", "years"] as const;
export type Unit = (typeof UNITS)[number];

export const QUANTIFIERS = ["any", "none"] as const;
export type Quantifier = (typeof QUANTIFIERS)[number];

export const MATCHES = ["all", "any"] as const;
export type Match = (typeof MATCHES)[number];

const oneOf = <T extends readonly [string, ...string[]]>(values: T, what: string) =>
  z.enum(values, { errorMap: (issue, ctx) => ({ message: issue.code === "invalid_enum_value" ? `unknown ${what} ${JSON.stringify(issue.received)}; one of ${values.join(", ")}` : ctx.defaultError }) });

/**
 * Rule values arrive as JSON scalars (an API client writes `100`, not `"100"`); after validation
 * they hold the text a Property of the rule's type stores, so comparisons line up with storage.
 */
const scalar = z.union([z.string(), z.number().finite(), z.boolean()], { errorMap: () => ({ message: "must be a string, number or boolean" }) }).transform(String);

export const ruleSchema = z
  .object({
    property: z.string().min(1),
    operator: oneOf(OPERATORS, "operator"),
    value: scalar.optional(),
    values: z.array(scalar).optional(),
    amount: z.number().int().positive().optional(),
    unit: oneOf(UNITS, "unit").optional(),
    /** For array Properties: whether any element must match, or none may. */
    quantifier: oneOf(QUANTIFIERS, "quantifier").optional(),
  })
  .strict();

export type Rule = z.output<typeof ruleSchema>;
export type RuleInput = z.input<typeof ruleSchema>;

/** One level of a tree, checked on its own so a deep or wide input is never walked by a recursive schema. */
export const blockShapeSchema = z.object({ match: oneOf(MATCHES, "match"), rules: z.array(z.unknown()) }).strict();

// zod cannot infer a recursive type, so the block is spelled out once here and the schema checked against it.
export interface RuleBlock {
  match: Match;
  rules: (Rule | RuleBlock)[];
}
export interface RuleBlockInput {
  match: Match;
  rules: (RuleInput | RuleBlockInput)[];
}

/** A stored tree read back (it was validated when saved); validateRuleTree is the way in for new input. */
export const ruleTreeSchema: z.ZodType<RuleBlock, z.ZodTypeDef, RuleBlockInput> = z.lazy(() =>
  z.object({ match: blockShapeSchema.shape.match, rules: z.array(z.union([ruleSchema, ruleTreeSchema])) }).strict(),
);

export const isBlock = (node: Rule | RuleBlock): node is RuleBlock => "match" in node;
