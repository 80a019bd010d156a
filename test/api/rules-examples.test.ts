import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import type { Slot } from "../../worker/pipeline/record-state";
import type { PropertyType } from "../../worker/properties/types";
import { compileToIdSet } from "../../worker/rules/compile-set-sql";
import { compileToSql } from "../../worker/rules/compile-sql";
import { explainRecord } from "../../worker/rules/explain";
import { shiftTime } from "../../worker/rules/relative-dates";
import type { RuleBlockInput, RuleInput } from "../../worker/rules/tree";
import { validateRuleTree, type CatalogProperty } from "../../worker/rules/validate";
import { membersByPredicate, membersBySql, slot, storeRecords, workspaceWith, type Catalog, type TestRecord } from "./rules-support";

const CATALOG: CatalogProperty[] = [
  { key: "country", type: "string", isArray: false },
  { key: "city", type: "string", isArray: false },
  { key: "ltv", type: "float", isArray: false },
  { key: "orders", type: "integer", isArray: false },
  { key: "vip", type: "boolean", isArray: false },
  { key: "last_purchase", type: "date", isArray: false },
  { key: "email", type: "email", isArray: false },
  { key: "phone", type: "phone", isArray: false },
  { key: "website", type: "url", isArray: false },
  { key: "tags", type: "string", isArray: true },
  // A key that is also a property of every plain object: the predicate must not find it on Records that lack it.
  { key: "constructor", type: "string", isArray: false },
];

// The last day of March: a month before it is clamped to the last day of February.
const NOW = Date.UTC(2025, 2, 31, 12);
const DAY = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString();

function record(id: string, createdAt: number, raw: Record<string, unknown>): TestRecord {
  const values: Record<string, Slot[]> = {};
  for (const [key, value] of Object.entries(raw)) {
    const type = CATALOG.find((p) => p.key === key)!.type as PropertyType;
    values[key] = (Array.isArray(value) ? value : [value]).map((v, i) => slot(type, v, i));
  }
  return { id, createdAt, values };
}

const RECORDS = [
  record("alice", NOW - 400 * DAY, {
    country: "US",
    city: "MÜNCHEN",
    ltv: 150.5,
    orders: 10,
    vip: true,
    last_purchase: iso(NOW - 10 * DAY),
    email: "Alice@Gmail.com",
    phone: "+1 555 123 4567",
    website: "https://Example.com/Shop",
    tags: ["vip", "Beta"],
  }),
  record("bob", NOW - 5 * DAY, { country: "us", ltv: 100, orders: 9, vip: "no", last_purchase: iso(NOW - 40 * DAY), email: "bob@example.de", tags: ["beta"] }),
  record("carla", shiftTime(NOW, -1, "months"), { country: "DE", ltv: "lots", orders: "9", last_purchase: iso(NOW + 3 * DAY), email: "carla@gmail.com", tags: [] }),
  record("dieter", NOW - 60 * DAY, { country: "FR", city: "München", email: "dieter@web.de", tags: ["Vip"] }),
  record("emma", NOW, { country: "US", ltv: 99.99, email: "emma%_x@gmail.com", constructor: "x" }),
  record("frank", NOW - 2 * DAY, {}),
];

let tenantId: string;
let properties: Catalog;

beforeAll(async () => {
  ({ tenantId, properties } = await workspaceWith("rules-examples", CATALOG));
  await storeRecords(tenantId, properties, RECORDS);
});

function validated(input: RuleBlockInput) {
  const result = validateRuleTree(input, CATALOG);
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.tree;
}

/** Both compilers must find exactly `expected`. */
async function expectMembers(input: RuleBlockInput, expected: string[]) {
  const tree = validated(input);
  const ctx = { tenantId, propertiesByKey: properties, now: NOW };
  const sorted = [...expected].sort();
  expect({ ...(await membersBySql(tree, ctx)), predicate: membersByPredicate(tree, ctx, RECORDS) }).toEqual({ probe: sorted, idSet: sorted, predicate: sorted });
}

const only = (rule: RuleInput, expected: string[]) => expectMembers({ match: "all", rules: [rule] }, expected);

describe("each operator, in SQL and in memory", () => {
  it("equals is exact; equals_ci folds ASCII case", async () => {
    await only({ property: "country", operator: "equals", value: "US" }, ["alice", "emma"]);
    await only({ property: "country", operator: "equals_ci", value: "us" }, ["alice", "bob", "emma"]);
  });

  it("not_equals never matches a Record without a valid value", async () => {
    await only({ property: "country", operator: "not_equals", value: "US" }, ["bob", "carla", "dieter"]);
    await only({ property: "ltv", operator: "not_equals", value: 100 }, ["alice", "emma"]);
  });

  it("exists and not_exists count invalid values as missing", async () => {
    await only({ property: "ltv", operator: "exists" }, ["alice", "bob", "emma"]);
    await only({ property: "ltv", operator: "not_exists" }, ["carla", "dieter", "frank"]);
  });

  it("in matches any listed value", async () => {
    await only({ property: "country", operator: "in", values: ["DE", "FR"] }, ["carla", "dieter"]);
  });

  it("compares floats as numbers, bounds as given", async () => {
    await only({ property: "ltv", operator: "gt", value: 100 }, ["alice"]);
    await only({ property: "ltv", operator: "gte", value: "100" }, ["alice", "bob"]);
    await only({ property: "ltv", operator: "lt", value: 100 }, ["emma"]);
    await only({ property: "ltv", operator: "lte", value: 100 }, ["bob", "emma"]);
    await only({ property: "ltv", operator: "between", values: [99.99, 100] }, ["bob", "emma"]);
  });

  it("compares integers as numbers, not as text (10 > 9)", async () => {
    await only({ property: "orders", operator: "gt", value: 9 }, ["alice"]);
    await only({ property: "orders", operator: "lt", value: "10" }, ["bob", "carla"]);
  });

  it("compares dates in time order", async () => {
    await only({ property: "last_purchase", operator: "gt", value: iso(NOW - 20 * DAY) }, ["alice", "carla"]);
    await only({ property: "last_purchase", operator: "between", values: [iso(NOW - 40 * DAY), iso(NOW - 10 * DAY)] }, ["alice", "bob"]);
  });

  it("relative dates: in_last, not_in_last, in_next", async () => {
    await only({ property: "last_purchase", operator: "in_last", amount: 30, unit: "days" }, ["alice"]);
    await only({ property: "last_purchase", operator: "not_in_last", amount: 30, unit: "days" }, ["bob", "carla"]);
    await only({ property: "last_purchase", operator: "in_next", amount: 1, unit: "weeks" }, ["carla"]);
  });

  it("created_at: calendar months, boundaries included", async () => {
    await only({ property: "created_at", operator: "in_last", amount: 1, unit: "months" }, ["bob", "carla", "emma", "frank"]);
    await only({ property: "created_at", operator: "lt", value: "2025-01-01" }, ["alice"]);
    await only({ property: "created_at", operator: "exists" }, ["alice", "bob", "carla", "dieter", "emma", "frank"]);
  });

  it("contains, starts_with and ends_with are case-sensitive", async () => {
    await only({ property: "website", operator: "contains", value: "Shop" }, ["alice"]);
    await only({ property: "website", operator: "contains", value: "shop" }, []);
    await only({ property: "country", operator: "starts_with", value: "U" }, ["alice", "emma"]);
    await only({ property: "email", operator: "ends_with", value: "gmail.com" }, ["alice", "carla", "emma"]);
    await only({ property: "city", operator: "contains", value: "MÜN" }, ["alice"]);
    await only({ property: "phone", operator: "contains", value: "555" }, ["alice"]);
  });

  it("the _ci operators fold ASCII only, as SQLite does", async () => {
    await only({ property: "website", operator: "contains_ci", value: "SHOP" }, ["alice"]);
    await only({ property: "country", operator: "starts_with_ci", value: "u" }, ["alice", "bob", "emma"]);
    await only({ property: "email", operator: "ends_with_ci", value: "GMAIL.COM" }, ["alice", "carla", "emma"]);
    // "MÜNCHEN" folds to "mÜnchen", which is not "münchen".
    await only({ property: "city", operator: "contains_ci", value: "münchen" }, ["dieter"]);
    await only({ property: "email", operator: "not_contains_ci", value: "GMAIL" }, ["bob", "dieter"]);
  });

  it("not_contains never matches a Record without a valid value", async () => {
    await only({ property: "email", operator: "not_contains", value: "gmail" }, ["bob", "dieter"]);
  });

  it("LIKE wildcards in a fragment are plain characters", async () => {
    await only({ property: "email", operator: "contains", value: "%_" }, ["emma"]);
    await only({ property: "email", operator: "contains", value: "_" }, ["emma"]);
  });

  it("booleans compare by their stored words", async () => {
    await only({ property: "vip", operator: "equals", value: true }, ["alice"]);
    await only({ property: "vip", operator: "equals", value: "no" }, ["bob"]);
  });

  it("arrays: any element, or none of at least one", async () => {
    await only({ property: "tags", operator: "equals", value: "vip" }, ["alice"]);
    await only({ property: "tags", operator: "equals_ci", value: "VIP" }, ["alice", "dieter"]);
    await only({ property: "tags", operator: "equals_ci", value: "vip", quantifier: "none" }, ["bob"]);
    await only({ property: "tags", operator: "exists" }, ["alice", "bob", "dieter"]);
    await only({ property: "tags", operator: "not_exists" }, ["carla", "emma", "frank"]);
  });

  it("a Property keyed like an object's own member", async () => {
    await only({ property: "constructor", operator: "exists" }, ["emma"]);
    await only({ property: "constructor", operator: "not_equals", value: "y" }, ["emma"]);
  });
});

describe("groups people write", () => {
  it("US customers with ltv > 100", () =>
    expectMembers(
      {
        match: "all",
        rules: [
          { property: "country", operator: "equals", value: "US" },
          { property: "ltv", operator: "gt", value: 100 },
        ],
      },
      ["alice"],
    ));

  it("purchased in the last 30 days", () => expectMembers({ match: "all", rules: [{ property: "last_purchase", operator: "in_last", amount: 30, unit: "days" }] }, ["alice"]));

  it("gmail users OR country in (DE, FR)", () =>
    expectMembers(
      {
        match: "any",
        rules: [
          { property: "email", operator: "ends_with", value: "@gmail.com" },
          { property: "country", operator: "in", values: ["DE", "FR"] },
        ],
      },
      ["alice", "carla", "dieter", "emma"],
    ));

  it("nested blocks", () =>
    expectMembers(
      {
        match: "all",
        rules: [
          {
            match: "any",
            rules: [
              { property: "email", operator: "ends_with", value: "@gmail.com" },
              { property: "country", operator: "in", values: ["DE", "FR"] },
            ],
          },
          { property: "ltv", operator: "not_exists" },
        ],
      },
      ["carla", "dieter"],
    ));
});

describe("the SQL", () => {
  /** The query plan of a tree with an in-list and an array rule, as recalculations and a preview's sample read it. */
  async function planOf() {
    const tree = validated({
      match: "any",
      rules: [
        { property: "country", operator: "in", values: ["DE", "FR"] },
        { property: "tags", operator: "equals", value: "vip", quantifier: "none" },
      ],
    });
    const { sql, params } = compileToSql(tree, { tenantId, propertiesByKey: properties, now: NOW });
    const { results } = await env.DB.prepare(`explain query plan select r.id from records r where ${sql}`)
      .bind(...params)
      .all<{ detail: string }>();
    const plan = results.map((r) => r.detail).join("\n");
    // The workspace's Records through their tenant index, and never a whole table scanned.
    expect(plan).toMatch(/SEARCH r USING (COVERING )?INDEX records_tenant/);
    expect(plan).not.toMatch(/SCAN (r|rp)\b/);
    return plan;
  }

  it("binds values instead of writing them into the statement", async () => {
    const hostile = "x'); drop table records; --";
    const tree = validated({ match: "all", rules: [{ property: "country", operator: "equals", value: hostile }] });
    const { sql, params } = compileToSql(tree, { tenantId, propertiesByKey: properties, now: NOW });
    expect(sql).not.toContain(hostile);
    expect(sql).not.toContain(properties.get("country")!.id);
    expect(sql).not.toContain(tenantId);
    expect(params).toHaveLength(1);
    await expectMembers({ match: "all", rules: [{ property: "country", operator: "equals", value: hostile }] }, []);
    expect((await env.DB.prepare("select count(*) as n from records where tenant_id = ?").bind(tenantId).first<{ n: number }>())!.n).toBe(RECORDS.length);
  });

  it("takes an in-list of 1,000 values and a tree of 100 rules in one parameter", async () => {
    const many = Array.from({ length: 999 }, (_, i) => `C${i}`);
    await only({ property: "country", operator: "in", values: [...many, "DE"] }, ["carla"]);
    const rules = Array.from({ length: 100 }, (_, i) => ({ property: "orders", operator: "equals", value: i }) as const);
    await expectMembers({ match: "any", rules }, ["alice", "bob", "carla"]);
  });

  it("reads a workspace's Records by their tenant and each Record's values through its index", async () => {
    const plan = await planOf();
    expect(plan.match(/SEARCH rp USING INDEX record_properties_record_property_idx \(record_id=\? AND property_id=\?\)/g)).toHaveLength(3);
  });

  it("counts a preview from the rules' sets of Records alone, without reading the Records", async () => {
    const tree = validated({
      match: "all",
      rules: [
        { property: "country", operator: "equals", value: "US" },
        { property: "ltv", operator: "gt", value: 100 },
        { match: "any", rules: [{ property: "tags", operator: "equals", value: "vip" }, { property: "email", operator: "not_exists" }] },
      ],
    });
    const { sql, params } = compileToIdSet(tree, { tenantId, propertiesByKey: properties, now: NOW });
    const { results } = await env.DB.prepare(`explain query plan select count(*) from (${sql})`)
      .bind(...params)
      .all<{ detail: string }>();
    const plan = results.map((r) => r.detail).join("\n");
    expect(plan.match(/SEARCH rp USING COVERING INDEX record_properties_property_value_idx \(property_id=\?/g)).toHaveLength(4);
    expect(plan).not.toMatch(/\b(SCAN|SEARCH) r\b/);
  });

  it("only ever finds the workspace's own Records", async () => {
    const tree = validated({ match: "all", rules: [{ property: "created_at", operator: "exists" }] });
    const { sql, params } = compileToSql(tree, { tenantId: "ten_someoneelse", propertiesByKey: properties, now: NOW });
    const { results } = await env.DB.prepare(`select r.id from records r where ${sql}`)
      .bind(...params)
      .all();
    expect(results).toEqual([]);
  });
});

describe("explaining a Record", () => {
  const tree = () =>
    validated({
      match: "any",
      rules: [
        {
          match: "all",
          rules: [
            { property: "country", operator: "equals", value: "US" },
            { property: "ltv", operator: "gt", value: 100 },
          ],
        },
        { property: "tags", operator: "equals", value: "vip" },
      ],
    });
  const ctx = () => ({ propertiesByKey: properties, now: NOW });

  it("marks every rule and block and shows the values it looked at", () => {
    const alice = RECORDS.find((r) => r.id === "alice")!;
    expect(explainRecord(tree(), ctx(), alice)).toEqual({
      match: "any",
      matched: true,
      rules: [
        {
          match: "all",
          matched: true,
          rules: [
            { property: "country", operator: "equals", value: "US", matched: true, recordValues: [{ position: 0, value: "US", invalidValue: null, invalidReason: null }] },
            { property: "ltv", operator: "gt", value: "100", matched: true, recordValues: [{ position: 0, value: "150.5", invalidValue: null, invalidReason: null }] },
          ],
        },
        {
          property: "tags",
          operator: "equals",
          value: "vip",
          matched: true,
          recordValues: [
            { position: 0, value: "vip", invalidValue: null, invalidReason: null },
            { position: 1, value: "Beta", invalidValue: null, invalidReason: null },
          ],
        },
      ],
    });
  });

  it("shows an invalid value with its reason, and agrees with the predicate", () => {
    const carla = RECORDS.find((r) => r.id === "carla")!;
    const explained = explainRecord(tree(), ctx(), carla);
    expect(explained.matched).toBe(false);
    const inner = explained.rules[0] as { matched: boolean; rules: { matched: boolean; recordValues: unknown }[] };
    expect(inner.matched).toBe(false);
    expect(inner.rules[1]).toMatchObject({ matched: false, recordValues: [{ value: null, invalidValue: "lots", invalidReason: '"lots" is not a number' }] });
    expect(membersByPredicate(tree(), ctx(), [carla])).toEqual([]);
  });
});
