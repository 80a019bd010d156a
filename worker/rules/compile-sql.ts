import { toCondition, type Condition, type Constant, type RuleProperty, type Target, type Test } from "./conditions";
import { isBlock, type Rule, type RuleBlock } from "./tree";

export interface SqlContext {
  tenantId: string;
  propertiesByKey: ReadonlyMap<string, RuleProperty & { id: string }>;
  /** The instant relative dates are measured from (epoch ms). */
  now: number;
}

/**
 * A boolean expression over `records r`. It has one placeholder, ?1: a JSON array holding the
 * tenant id and every constant of the tree (Property ids, values, in-lists, date boundaries), read
 * back with json_extract / json_each. So a tree of any size binds exactly one parameter, far under
 * D1's 100 per statement, and no value ever appears in the SQL text. A statement using the
 * expression numbers its own parameters from ?2, or places plain `?`s after the expression
 * (SQLite numbers those from the highest one already seen).
 */
export interface CompiledSql {
  sql: string;
  params: [constants: string];
}

/** The constants of one statement, each stored once and referred to by its index in the ?1 array. */
export class Constants {
  readonly list: (Constant | Constant[])[] = [];
  private readonly index = new Map<string, number>();

  private slot(value: Constant | Constant[]) {
    const key = JSON.stringify(value);
    let i = this.index.get(key);
    if (i === undefined) {
      i = this.list.push(value) - 1;
      this.index.set(key, i);
    }
    return i;
  }

  one = (value: Constant) => `json_extract(?1, '$[${this.slot(value)}]')`;
  many = (values: Constant[]) => `(select value from json_each(?1, '$[${this.slot(values)}]'))`;
}

/** Compares with instr/substr, not LIKE: LIKE ignores ASCII case in SQLite and treats % and _ as wildcards. */
export function testSql(test: Test, raw: string, ordered: string, c: Constants): string {
  switch (test.kind) {
    case "equals":
      return `${raw} = ${c.one(test.value)}`;
    case "in":
      return `${raw} in ${c.many(test.values)}`;
    case "range": {
      const parts: string[] = [];
      if (test.low) parts.push(`${ordered} ${test.low.inclusive ? ">=" : ">"} ${c.one(test.low.at)}`);
      if (test.high) parts.push(`${ordered} ${test.high.inclusive ? "<=" : "<"} ${c.one(test.high.at)}`);
      return parts.join(" and ");
    }
    case "text": {
      const text = test.foldCase ? `lower(${raw})` : raw;
      const fragment = c.one(test.fragment);
      if (test.position === "anywhere") return `instr(${text}, ${fragment}) > 0`;
      if (test.position === "start") return `instr(${text}, ${fragment}) = 1`;
      if (test.position === "end") return `substr(${text}, -length(${fragment})) = ${fragment}`;
      return `${text} = ${fragment}`;
    }
  }
}

export const ORDERED = { text: "rp.value", integer: "cast(rp.value as integer)", real: "cast(rp.value as real)" } as const;

/** Where a Record holds a valid value of one Property passing `where`, looked up through the Record's own index. */
type Holds = (propertyId: string, where?: string) => string;

function probeHolds(c: Constants): Holds {
  // Named because the planner, without statistics, may probe the (property, value) index once per Record instead: every
  // Record with that value read again for each Record, where this index reads just the Record's own slots.
  return (propertyId, where) =>
    `exists (select 1 from record_properties rp indexed by record_properties_record_property_idx where rp.tenant_id = r.tenant_id and rp.record_id = r.id and rp.property_id = ${c.one(propertyId)} and rp.value is not null${where ? ` and ${where}` : ""})`;
}

/** A rule on the Record's created-at, over `records r`. */
export function createdAtSql(condition: Condition, c: Constants): string {
  if ("presence" in condition) return condition.presence === "exists" ? "r.created_at is not null" : "r.created_at is null";
  const test = `(${testSql(condition.test, "r.created_at", "r.created_at", c)})`;
  const passes = condition.negate ? `not ${test}` : test;
  return condition.quantifier === "any" ? passes : `not (${passes})`;
}

/** The SQL twin of predicate's conditionPredicate. */
function conditionSql(condition: Condition, properties: SqlContext["propertiesByKey"], holds: Holds, c: Constants): string {
  const target: Target = condition.target;
  if (target.kind === "created_at") return createdAtSql(condition, c);
  const id = properties.get(target.key)!.id;
  if ("presence" in condition) return condition.presence === "exists" ? holds(id) : `not ${holds(id)}`;
  const test = `(${testSql(condition.test, "rp.value", ORDERED[target.scale], c)})`;
  const passes = holds(id, condition.negate ? `not ${test}` : test);
  return condition.quantifier === "any" ? passes : `(${holds(id)} and not ${passes})`;
}

/** Joins as a balanced tree: SQLite refuses expressions nested over 100 deep, which a flat chain of 100 rules would be. */
function balanced(parts: string[], operator: "and" | "or"): string {
  if (parts.length === 1) return parts[0]!;
  const half = Math.ceil(parts.length / 2);
  return `(${balanced(parts.slice(0, half), operator)} ${operator} ${balanced(parts.slice(half), operator)})`;
}

function nodeSql(node: Rule | RuleBlock, ctx: SqlContext, holds: Holds, c: Constants): string {
  if (!isBlock(node)) return conditionSql(toCondition(node, ctx.propertiesByKey, ctx.now), ctx.propertiesByKey, holds, c);
  return balanced(
    node.rules.map((child) => nodeSql(child, ctx, holds, c)),
    node.match === "all" ? "and" : "or",
  );
}

/**
 * Compiles a validated tree into SQL for full recalculations over D1, e.g.
 * `select r.id from records r where ${sql}`. It agrees with compilePredicate on every Record.
 */
export function compileToSql(tree: RuleBlock, ctx: SqlContext): CompiledSql {
  const constants = new Constants();
  const tenant = constants.one(ctx.tenantId);
  const holds = probeHolds(constants);
  const body = nodeSql(tree, ctx, holds, constants);
  return { sql: `(r.tenant_id = ${tenant} and ${body})`, params: [JSON.stringify(constants.list)] };
}
