import { describe, expect, it } from "vitest";
import { RULE_TREE_LIMITS, validateRuleTree, type CatalogProperty } from "../../worker/rules/validate";

const CATALOG: CatalogProperty[] = [
  { key: "country", type: "string", isArray: false },
  { key: "ltv", type: "float", isArray: false },
  { key: "orders", type: "integer", isArray: false },
  { key: "vip", type: "boolean", isArray: false },
  { key: "last_purchase", type: "date", isArray: false },
  { key: "email", type: "email", isArray: false },
  { key: "phone", type: "phone", isArray: false },
  { key: "tags", type: "string", isArray: true },
];

const errorsOf = (input: unknown) => {
  const result = validateRuleTree(input, CATALOG);
  return result.ok ? [] : result.errors;
};
const oneRule = (rule: Record<string, unknown>) => ({ match: "all", rules: [rule] });

describe("a good rule tree", () => {
  it("comes back with every value in the text its Property stores", () => {
    const result = validateRuleTree(
      {
        match: "any",
        rules: [
          { property: "orders", operator: "gte", value: "1e2" },
          { property: "ltv", operator: "between", values: [99.5, "1_000"] },
          { property: "vip", operator: "equals", value: "yes" },
          { property: "last_purchase", operator: "lt", value: "2024-03-01" },
          { property: "created_at", operator: "gt", value: "2024-03-01 10:30" },
          { property: "email", operator: "in", values: ["Alice@Example.COM", " bob@example.com "] },
          { property: "email", operator: "ends_with", value: "@GMAIL.com" },
          { property: "phone", operator: "equals", value: "0049 30 1234567" },
          { match: "all", rules: [{ property: "tags", operator: "contains_ci", value: "VIP", quantifier: "none" }] },
          { property: "last_purchase", operator: "in_last", amount: 30, unit: "days" },
        ],
      },
      CATALOG,
    );
    expect(result).toEqual({
      ok: true,
      tree: {
        match: "any",
        rules: [
          { property: "orders", operator: "gte", value: "100" },
          { property: "ltv", operator: "between", values: ["99.5", "1000"] },
          { property: "vip", operator: "equals", value: "true" },
          { property: "last_purchase", operator: "lt", value: "2024-03-01T00:00:00.000Z" },
          { property: "created_at", operator: "gt", value: "2024-03-01T10:30:00.000Z" },
          { property: "email", operator: "in", values: ["alice@example.com", "bob@example.com"] },
          { property: "email", operator: "ends_with", value: "@gmail.com" },
          { property: "phone", operator: "equals", value: "+49301234567" },
          { match: "all", rules: [{ property: "tags", operator: "contains_ci", value: "VIP", quantifier: "none" }] },
          { property: "last_purchase", operator: "in_last", amount: 30, unit: "days" },
        ],
      },
    });
  });

  it("may be as big as the limits allow", () => {
    let deepest: unknown = { property: "country", operator: "exists" };
    for (let depth = 1; depth <= RULE_TREE_LIMITS.depth; depth++) deepest = { match: "all", rules: [deepest] };
    expect(errorsOf(deepest)).toEqual([]);
    const rules = Array.from({ length: RULE_TREE_LIMITS.rules }, () => ({ property: "country", operator: "in", values: Array.from({ length: RULE_TREE_LIMITS.inValues }, (_, i) => `C${i}`) }));
    expect(errorsOf({ match: "any", rules })).toEqual([]);
  });
});

describe("a bad rule tree is refused with where and why", () => {
  it("is not a block", () => {
    expect(errorsOf("country = US")).toEqual([{ path: "", message: "Expected object, received string" }]);
    expect(errorsOf({ match: "some", rules: [] })).toContainEqual({ path: "match", message: "unknown match \"some\"; one of all, any" });
  });

  it("has no rules", () => {
    expect(errorsOf({ match: "all", rules: [] })).toEqual([{ path: "rules", message: "a calculated Group needs at least one rule" }]);
    expect(errorsOf({ match: "all", rules: [{ match: "any", rules: [] }] })).toEqual([{ path: "rules[0].rules", message: "a block needs at least one rule" }]);
  });

  it("names an unknown Property", () => {
    expect(errorsOf({ match: "all", rules: [{ property: "country", operator: "exists" }, { match: "any", rules: [{ property: "shoe_size", operator: "exists" }] }] })).toEqual([
      { path: "rules[1].rules[0].property", message: 'unknown Property "shoe_size"' },
    ]);
  });

  it("uses an unknown operator, or one that does not fit the type", () => {
    expect(errorsOf(oneRule({ property: "country", operator: "like", value: "x" }))).toEqual([
      { path: "rules[0].operator", message: expect.stringMatching(/^unknown operator "like"; one of equals, not_equals/) },
    ]);
    expect(errorsOf(oneRule({ property: "orders", operator: "contains", value: "1" }))).toEqual([{ path: "rules[0].operator", message: "contains does not apply to integer Properties" }]);
    expect(errorsOf(oneRule({ property: "country", operator: "gt", value: "M" }))).toEqual([{ path: "rules[0].operator", message: "gt does not apply to string Properties" }]);
    expect(errorsOf(oneRule({ property: "vip", operator: "in_last", amount: 1, unit: "days" }))).toEqual([{ path: "rules[0].operator", message: "in_last does not apply to boolean Properties" }]);
    expect(errorsOf(oneRule({ property: "created_at", operator: "starts_with", value: "2024" }))).toEqual([{ path: "rules[0].operator", message: "starts_with does not apply to created_at" }]);
  });

  it("leaves out what the operator needs, or adds what it does not use", () => {
    expect(errorsOf(oneRule({ property: "country", operator: "equals" }))).toEqual([{ path: "rules[0].value", message: "is required for equals" }]);
    expect(errorsOf(oneRule({ property: "country", operator: "in", value: "DE" }))).toEqual([
      { path: "rules[0].value", message: "is not used by in" },
      { path: "rules[0].values", message: "is required for in" },
    ]);
    expect(errorsOf(oneRule({ property: "country", operator: "exists", value: "DE" }))).toEqual([{ path: "rules[0].value", message: "is not used by exists" }]);
    expect(errorsOf(oneRule({ property: "last_purchase", operator: "in_last", amount: 3 }))).toEqual([{ path: "rules[0].unit", message: "is required for in_last" }]);
    expect(errorsOf(oneRule({ property: "last_purchase", operator: "in_next", unit: "days" }))).toEqual([{ path: "rules[0].amount", message: "is required for in_next" }]);
    expect(errorsOf(oneRule({ property: "country", operator: "exists", colour: "red" }))).toEqual([{ path: "rules[0]", message: "Unrecognized key(s) in object: 'colour'" }]);
  });

  it("gives a value its Property's type cannot hold", () => {
    expect(errorsOf(oneRule({ property: "orders", operator: "gt", value: "abc" }))).toEqual([{ path: "rules[0].value", message: '"abc" is not a number' }]);
    expect(errorsOf(oneRule({ property: "orders", operator: "equals", value: 1.5 }))).toEqual([{ path: "rules[0].value", message: '"1.5" is not a whole number' }]);
    expect(errorsOf(oneRule({ property: "vip", operator: "equals", value: "maybe" }))).toEqual([{ path: "rules[0].value", message: '"maybe" is not a yes/no value' }]);
    expect(errorsOf(oneRule({ property: "last_purchase", operator: "gt", value: "last tuesday" }))).toEqual([{ path: "rules[0].value", message: '"last tuesday" is not a date' }]);
    expect(errorsOf(oneRule({ property: "email", operator: "in", values: ["a@example.com", "nobody"] }))).toEqual([{ path: "rules[0].values[1]", message: '"nobody" is not an email address' }]);
    expect(errorsOf(oneRule({ property: "orders", operator: "equals", value: "" }))).toEqual([{ path: "rules[0].value", message: "must not be empty" }]);
    expect(errorsOf(oneRule({ property: "country", operator: "equals", value: { code: "US" } }))).toEqual([{ path: "rules[0].value", message: "must be a string, number or boolean" }]);
  });

  it("gives between anything but a low and a high value", () => {
    expect(errorsOf(oneRule({ property: "ltv", operator: "between", values: [1, 2, 3] }))).toEqual([{ path: "rules[0].values", message: "between takes two values, [low, high]" }]);
    expect(errorsOf(oneRule({ property: "ltv", operator: "between", values: [10, 9] }))).toEqual([{ path: "rules[0].values", message: "the low value is above the high value" }]);
    expect(errorsOf(oneRule({ property: "created_at", operator: "between", values: ["2024-02-01", "2024-01-01"] }))).toEqual([{ path: "rules[0].values", message: "the low value is above the high value" }]);
  });

  it("asks for a relative date that is not a positive whole amount of a known unit", () => {
    expect(errorsOf(oneRule({ property: "created_at", operator: "in_last", amount: 0, unit: "days" }))).toEqual([{ path: "rules[0].amount", message: "Number must be greater than 0" }]);
    expect(errorsOf(oneRule({ property: "created_at", operator: "in_last", amount: 1.5, unit: "days" }))).toEqual([{ path: "rules[0].amount", message: "Expected integer, received float" }]);
    expect(errorsOf(oneRule({ property: "created_at", operator: "in_last", amount: 2, unit: "fortnights" }))).toEqual([
      { path: "rules[0].unit", message: 'unknown unit "fortnights"; one of days, weeks, months, years' },
    ]);
    expect(errorsOf(oneRule({ property: "created_at", operator: "in_last", amount: 1001, unit: "years" }))).toEqual([{ path: "rules[0].amount", message: "must be at most 1000" }]);
  });

  it("looks for an empty fragment", () => {
    expect(errorsOf(oneRule({ property: "country", operator: "contains", value: "" }))).toEqual([{ path: "rules[0].value", message: "must not be empty" }]);
  });

  it("puts a quantifier where it means nothing", () => {
    expect(errorsOf(oneRule({ property: "country", operator: "equals", value: "US", quantifier: "none" }))).toEqual([{ path: "rules[0].quantifier", message: "applies only to array Properties" }]);
    expect(errorsOf(oneRule({ property: "tags", operator: "exists", quantifier: "any" }))).toEqual([{ path: "rules[0].quantifier", message: "exists takes no quantifier" }]);
    expect(errorsOf(oneRule({ property: "tags", operator: "equals", value: "x", quantifier: "all" }))).toEqual([
      { path: "rules[0].quantifier", message: 'unknown quantifier "all"; one of any, none' },
    ]);
  });

  it("goes past the limits", () => {
    let deep: unknown = { property: "country", operator: "exists" };
    for (let depth = 1; depth <= RULE_TREE_LIMITS.depth + 1; depth++) deep = { match: "all", rules: [deep] };
    expect(errorsOf(deep)).toEqual([{ path: "rules[0].rules[0].rules[0].rules[0].rules[0]", message: "blocks nest at most 5 deep" }]);

    const rules = Array.from({ length: RULE_TREE_LIMITS.rules + 1 }, () => ({ property: "country", operator: "exists" }));
    expect(errorsOf({ match: "all", rules })).toEqual([{ path: "", message: "has 101 rules; at most 100" }]);

    const values = Array.from({ length: RULE_TREE_LIMITS.inValues + 1 }, (_, i) => `C${i}`);
    expect(errorsOf(oneRule({ property: "country", operator: "in", values }))).toEqual([{ path: "rules[0].values", message: "lists 1001 values; at most 1000" }]);
    expect(errorsOf(oneRule({ property: "country", operator: "in", values: [] }))).toEqual([{ path: "rules[0].values", message: "must list at least one value" }]);
  });

  it("reports every mistake at once", () => {
    expect(
      errorsOf({
        match: "all",
        rules: [
          { property: "orders", operator: "gt", value: "many" },
          { match: "any", rules: [{ property: "nope", operator: "exists" }, { property: "ltv", operator: "starts_with", value: "1" }] },
        ],
      }),
    ).toEqual([
      { path: "rules[0].value", message: '"many" is not a number' },
      { path: "rules[1].rules[0].property", message: 'unknown Property "nope"' },
      { path: "rules[1].rules[1].operator", message: "starts_with does not apply to float Properties" },
    ]);
  });
});
