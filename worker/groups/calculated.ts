import { eq } from "drizzle-orm";
import { groups, type Property } from "../db/schema";
import type { TenantScope } from "../db/tenant-scope";
import { ApiError } from "../errors";
import { OPERATOR_RULES } from "../rules/operators";
import { isBlock, type Rule, type RuleBlock } from "../rules/tree";
import { validateRuleTree, type CatalogProperty } from "../rules/validate";

/** A calculated Group as membership needs it: its rules, and the version they were saved as. */
export interface CalculatedGroup {
  id: string;
  version: number;
  tree: RuleBlock;
}

/** The Properties rules may name, by key, with what the compilers need to know of each. */
export type RuleProperties = Map<string, { id: string; type: Property["type"]; isArray: boolean }>;

export const ruleProperties = (properties: readonly Pick<Property, "id" | "key" | "type" | "isArray">[]): RuleProperties =>
  new Map(properties.map((p) => [p.key, { id: p.id, type: p.type, isArray: p.isArray }]));

/**
 * The workspace's calculated Groups, read once per batch of Records so each Record's object can test
 * itself against them. A Group whose rules no longer fit the Properties is left out rather than
 * allowed to fail every Record's hydration; its recalculation Run fails and says why.
 */
export async function calculatedGroups(scope: TenantScope, properties: readonly CatalogProperty[]): Promise<CalculatedGroup[]> {
  const rows = await scope.select(groups, eq(groups.type, "calculated"));
  return rows.flatMap((g) => {
    const checked = validateRuleTree(g.rules, properties);
    return checked.ok ? [{ id: g.id, version: g.rulesVersion, tree: checked.tree }] : [];
  });
}

function rulesOf(tree: RuleBlock): Rule[] {
  return tree.rules.flatMap((node) => (isBlock(node) ? rulesOf(node) : [node]));
}

/** The Property keys a tree names (created_at included when used). */
export const keysUsed = (tree: RuleBlock) => new Set(rulesOf(tree).map((r) => r.property));

/** True when membership can change with nothing but time passing ("in the last 7 days"). */
export const isTimeRelative = (tree: RuleBlock) => rulesOf(tree).some((r) => OPERATOR_RULES[r.operator].operand === "relative");

/** The calculated Groups whose rules name a Property, with their stored rules. */
export async function groupsUsingProperty(scope: TenantScope, key: string) {
  const rows = await scope.select(groups, eq(groups.type, "calculated"));
  return rows.filter((g) => g.rules && keysUsed(g.rules).has(key));
}

/**
 * Refuses a Property change that would leave a Group's rules meaningless: a new key (rules name
 * Properties by key), or a type the rules' operators or values no longer fit. Returns the Groups
 * that use the Property, to recalculate once the change is stored.
 */
export async function groupsAllowingChange(scope: TenantScope, before: Property, after: Pick<Property, "key" | "type" | "isArray">, others: readonly Property[]) {
  const using = await groupsUsingProperty(scope, before.key);
  const names = using.map((g) => `"${g.name}"`).join(", ");
  if (using.length && after.key !== before.key) throw new ApiError("conflict", `The rules of Group ${names} use Property "${before.key}"; change them first`, { groups: using.map((g) => g.id) });
  const catalog = [...others.filter((p) => p.id !== before.id), { ...before, ...after }];
  for (const group of using) {
    const checked = validateRuleTree(group.rules, catalog);
    if (!checked.ok) {
      const [first] = checked.errors;
      throw new ApiError("conflict", `Group "${group.name}" would no longer work: its rule ${first!.path} ${first!.message}`, { groups: [group.id], errors: checked.errors });
    }
  }
  return using;
}
