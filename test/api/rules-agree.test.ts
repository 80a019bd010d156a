import fc from "fast-check";
import { beforeAll, expect, it } from "vitest";
import type { Slot } from "../../worker/pipeline/record-state";
import { coerce } from "../../worker/properties/coerce";
import { PROPERTY_TYPES, type PropertyType } from "../../worker/properties/types";
import { isPresenceOperator, OPERATOR_RULES, type TargetType } from "../../worker/rules/operators";
import { shiftTime } from "../../worker/rules/relative-dates";
import { CREATED_AT, MATCHES, OPERATORS, QUANTIFIERS, UNITS, type RuleBlockInput, type RuleInput } from "../../worker/rules/tree";
import { validateRuleTree, type CatalogProperty } from "../../worker/rules/validate";
import { membersByPredicate, membersBySql, slot, storeRecords, workspaceWith, type Catalog, type TestRecord } from "./rules-support";

/** One single and one array Property of every type, and a key every plain object already has. */
const CATALOG: CatalogProperty[] = [
  ...PROPERTY_TYPES.flatMap((type) => [
    { key: `${type}_one`, type, isArray: false },
    { key: `${type}_many`, type, isArray: true },
  ]),
  { key: "constructor", type: "string", isArray: false },
];

/** Characters where case folding and text search go wrong: ASCII of both cases, letters only Unicode folds (É, ß, İ, ı, the Kelvin sign), an astral emoji, LIKE wildcards. */
const CHARS = ["a", "A", "b", "B", "k", "K", "é", "É", "ß", "İ", "ı", "\u212A", "😀", "%", "_", " ", "."];
const text = (minLength: number, maxLength: number, chars = CHARS) => fc.string({ unit: fc.constantFrom(...chars), minLength, maxLength });

/** Interesting "now"s: month ends (calendar arithmetic clamps there), a leap day, the last ms of a year. */
const nowArb = fc.oneof(
  fc.constantFrom(Date.UTC(2025, 2, 31, 12), Date.UTC(2024, 1, 29), Date.UTC(2024, 11, 31, 23, 59, 59, 999), Date.UTC(2025, 0, 31, 6, 30)),
  fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2040, 0, 1) }),
);

/** Instants around now, many exactly on (or a ms off) the boundaries a relative rule would draw. */
const instantArb = (now: number) =>
  fc.oneof(
    fc.tuple(fc.integer({ min: -40, max: 40 }), fc.constantFrom(...UNITS), fc.constantFrom(-1, 0, 0, 1)).map(([amount, unit, nudge]) => shiftTime(now, amount, unit) + nudge),
    fc.integer({ min: now - 3 * 365 * 86_400_000, max: now + 3 * 365 * 86_400_000 }),
  );

/** Raw values as a Source might send them: mostly coercible, some not. */
function rawArb(type: PropertyType, now: number): fc.Arbitrary<unknown> {
  switch (type) {
    case "string":
      return text(0, 5);
    case "integer":
      return fc.oneof(fc.integer({ min: -12, max: 12 }), fc.constantFrom(9, 10, 99, 100, 101, 1000, Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER, "1e2", "x"), fc.integer());
    case "float":
      return fc.oneof(
        fc.constantFrom(0.1, 0.2, 0.3, 0.30000000000000004, 9.5, 10, 99.99, 100, 100.5, 1e-7, -1e-7, 1e21, 5e-324, 1.7976931348623157e308, "12.5abc"),
        fc.double({ noNaN: true, noDefaultInfinity: true }),
        fc.integer({ min: -12, max: 12 }),
      );
    case "boolean":
      return fc.constantFrom(true, false, "yes", "no", "perhaps");
    case "date":
      return fc.oneof(instantArb(now).map((ms) => new Date(ms).toISOString()), fc.constantFrom("1969-12-31", "2100-01-01T00:00:00Z", "not a date"));
    case "email":
      return fc.tuple(text(1, 3, ["a", "B", "%", "_", "."]), fc.constantFrom("gmail.com", "GMAIL.COM", "example.de", "ex.fr", "gmail.co", "nodot")).map(([local, domain]) => `${local}@${domain}`);
    case "phone":
      return fc.oneof(fc.constantFrom("+49 30 1234567", "030 1234567", "+1 (555) 123-4567", "555-12", "0049301234567"), text(6, 12, ["1", "2", "5", "0"]));
    case "url":
      return fc.tuple(fc.constantFrom("example.com", "Example.COM", "shop.de"), text(0, 4, ["a", "A", "/", "%", "_"])).map(([host, path]) => `https://${host}/${path}`);
  }
}

/** Values as stored, for rules to compare against. */
const storedArb = (type: PropertyType, now: number) =>
  rawArb(type, now)
    .map((raw) => coerce(type, raw))
    .filter((c) => c.ok && c.value !== null)
    .map((c) => (c as { value: string }).value);

const slotsArb = (spec: CatalogProperty, now: number): fc.Arbitrary<Slot[]> => {
  const one = fc.oneof({ weight: 6, arbitrary: rawArb(spec.type, now) }, { weight: 1, arbitrary: fc.constant(null) });
  return fc.array(one, { maxLength: spec.isArray ? 3 : 1 }).map((raws) => raws.map((raw, i) => slot(spec.type, raw, i)));
};

const recordsArb = (now: number) =>
  fc.array(
    fc.record({
      createdAt: instantArb(now),
      values: fc.record(Object.fromEntries(CATALOG.map((spec) => [spec.key, slotsArb(spec, now)])), { requiredKeys: [] }),
    }),
    { maxLength: 10 },
  );

type Target = { key: string; type: TargetType; isArray: boolean };
const TARGETS: Target[] = [...CATALOG, { key: CREATED_AT, type: "created_at", isArray: false }];

const order = (type: TargetType) => (a: string, b: string) => (type === "integer" || type === "float" ? Number(a) - Number(b) : a < b ? -1 : a > b ? 1 : 0);

function ruleArb(now: number): fc.Arbitrary<RuleInput> {
  return fc.constantFrom(...TARGETS).chain((target) => {
    const value = target.type === "created_at" ? instantArb(now).map((ms) => new Date(ms).toISOString()) : storedArb(target.type, now);
    const operators = OPERATORS.filter((op) => OPERATOR_RULES[op].types.includes(target.type));
    return fc.constantFrom(...operators).chain((operator) => {
      const quantifier = target.isArray && !isPresenceOperator(operator) ? fc.option(fc.constantFrom(...QUANTIFIERS), { nil: undefined }) : fc.constant(undefined);
      const operand = operandArb(OPERATOR_RULES[operator].operand, target, value);
      return fc.tuple(operand, quantifier).map(([fields, q]) => ({ property: target.key, operator, ...fields, ...(q ? { quantifier: q } : {}) }));
    });
  });
}

function operandArb(operand: (typeof OPERATOR_RULES)[keyof typeof OPERATOR_RULES]["operand"], target: Target, value: fc.Arbitrary<string>): fc.Arbitrary<Partial<RuleInput>> {
  switch (operand) {
    case "none":
      return fc.constant({});
    case "value":
      return value.map((v) => ({ value: v }));
    case "values":
      return fc.array(value, { minLength: 1, maxLength: 4 }).map((values) => ({ values }));
    case "pair":
      return fc.tuple(value, value).map((pair) => ({ values: pair.sort(order(target.type)) }));
    case "fragment":
      // Pieces of real values (whole code points, so no emoji is split in half) or fresh text.
      return fc
        .oneof(
          fc.tuple(value, fc.nat(), fc.nat()).map(([v, a, b]) => {
            const points = Array.from(v);
            return points.slice(Math.min(a, b) % (points.length + 1), Math.max(a, b) % (points.length + 1) + 1).join("");
          }),
          text(1, 3),
        )
        .filter((fragment) => fragment !== "")
        .map((fragment) => ({ value: fragment }));
    case "relative":
      return fc.record({ amount: fc.integer({ min: 1, max: 40 }), unit: fc.constantFrom(...UNITS) });
  }
}

const blockArb = (now: number, depth: number): fc.Arbitrary<RuleBlockInput> =>
  fc.record({
    match: fc.constantFrom(...MATCHES),
    rules: fc.array(depth > 1 ? fc.oneof({ weight: 3, arbitrary: ruleArb(now) }, { weight: 1, arbitrary: blockArb(now, depth - 1) }) : ruleArb(now), { minLength: 1, maxLength: 4 }),
  });

const scenarioArb = nowArb.chain((now) => fc.record({ now: fc.constant(now), records: recordsArb(now), tree: blockArb(now, 3) }));

let tenantId: string;
let properties: Catalog;

beforeAll(async () => {
  ({ tenantId, properties } = await workspaceWith("rules-agree", CATALOG));
});

it("the SQL, testing each Record or combining the rules' sets, and the in-memory predicate pick the same Records for any tree", async () => {
  let mixed = 0;
  const runs = 1000;
  await fc.assert(
    fc.asyncProperty(scenarioArb, async ({ now, records: generated, tree: input }) => {
      const validation = validateRuleTree(input, CATALOG);
      expect(validation.ok ? [] : validation.errors).toEqual([]);
      if (!validation.ok) return;
      const records: TestRecord[] = generated.map((r, i) => ({ id: `rec_${i}`, createdAt: r.createdAt, values: r.values as Record<string, Slot[]> }));
      await storeRecords(tenantId, properties, records);
      const bySql = await membersBySql(validation.tree, { tenantId, propertiesByKey: properties, now });
      const byPredicate = membersByPredicate(validation.tree, { propertiesByKey: properties, now }, records);
      expect(bySql).toEqual({ probe: byPredicate, idSet: byPredicate });
      if (byPredicate.length > 0 && byPredicate.length < records.length) mixed += 1;
    }),
    { numRuns: runs },
  );
  // Trees that take everyone or no one would agree however wrong both compilers were.
  expect(mixed).toBeGreaterThan(runs / 5);
}, 120_000);
