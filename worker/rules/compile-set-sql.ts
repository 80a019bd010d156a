import { Constants, createdAtSql, ORDERED, testSql, type CompiledSql, type SqlContext } from "./compile-sql";
import { toCondition, type Condition } from "./conditions";
import { isBlock, type Rule, type RuleBlock } from "./tree";

/**
 * A set of Record ids as a select of one column, `id`; or, when `complement` is set, every Record
 * of the workspace except those. Negative rules ("does not exist") stay complements until a block
 * can subtract them from something positive, so the workspace's Records are read only when the
 * whole tree is negative.
 */
interface IdSet {
  sql: string;
  complement: boolean;
}

/** D1 refuses a compound select of more than five selects; longer lists are combined in nested groups. */
const MAX_COMPOUND_TERMS = 5;

const member = (sql: string) => `select id from (${sql})`;

function combine(sets: readonly string[], operator: "union" | "intersect"): string {
  if (sets.length <= MAX_COMPOUND_TERMS) return sets.map(member).join(` ${operator} `);
  const groups = Array.from({ length: Math.ceil(sets.length / MAX_COMPOUND_TERMS) }, (_, i) => combine(sets.slice(i * MAX_COMPOUND_TERMS, (i + 1) * MAX_COMPOUND_TERMS), operator));
  return combine(groups, operator);
}

/** `from` less every Record in any of `sets`. */
const subtract = (from: string, sets: readonly string[]) => (sets.length ? `${member(from)} except ${member(combine(sets, "union"))}` : from);

class SetCompiler {
  readonly c = new Constants();
  readonly tenant: string;

  constructor(private readonly ctx: SqlContext) {
    this.tenant = this.c.one(ctx.tenantId);
  }

  /** The Records holding a valid value of the Property that passes `where`, through the covering (property, value) index. */
  private holding(propertyId: string, where?: string): string {
    return `select rp.record_id as id from record_properties rp indexed by record_properties_property_value_idx where rp.property_id = ${this.c.one(propertyId)} and rp.value is not null and rp.tenant_id = ${this.tenant}${where ? ` and ${where}` : ""}`;
  }

  /** The set twin of compile-sql's conditionSql, and so of predicate's conditionPredicate. */
  condition(condition: Condition): IdSet {
    const target = condition.target;
    if (target.kind === "created_at") {
      return { sql: `select r.id as id from records r where r.tenant_id = ${this.tenant} and ${createdAtSql(condition, this.c)}`, complement: false };
    }
    const id = this.ctx.propertiesByKey.get(target.key)!.id;
    if ("presence" in condition) return { sql: this.holding(id), complement: condition.presence === "not_exists" };
    const test = `(${testSql(condition.test, "rp.value", ORDERED[target.scale], this.c)})`;
    const passes = this.holding(id, condition.negate ? `not ${test}` : test);
    // "No element matches" needs at least one valid element: the holders, less those with a passing one.
    return condition.quantifier === "any" ? { sql: passes, complement: false } : { sql: subtract(this.holding(id), [passes]), complement: false };
  }

  node(node: Rule | RuleBlock): IdSet {
    if (!isBlock(node)) return this.condition(toCondition(node, this.ctx.propertiesByKey, this.ctx.now));
    const children = node.rules.map((child) => this.node(child));
    const positive = children.filter((s) => !s.complement).map((s) => s.sql);
    const negative = children.filter((s) => s.complement).map((s) => s.sql);
    if (node.match === "all") {
      // A ∩ B ∩ ¬C = (A ∩ B) \ C; and ¬C ∩ ¬D = ¬(C ∪ D).
      if (positive.length) return { sql: subtract(combine(positive, "intersect"), negative), complement: false };
      return { sql: combine(negative, "union"), complement: true };
    }
    // A ∪ B, and A ∪ ¬C ∪ ¬D = ¬((C ∩ D) \ A).
    if (!negative.length) return { sql: combine(positive, "union"), complement: false };
    return { sql: subtract(combine(negative, "intersect"), positive), complement: true };
  }
}

/**
 * Compiles a validated tree into one select of the distinct ids of the Records it holds, built from
 * each rule's set of Records alone: `select count(*) from (${sql})` counts a workspace's matches
 * without testing every Record, which is what makes a preview fast. Agrees with compileToSql.
 */
export function compileToIdSet(tree: RuleBlock, ctx: SqlContext): CompiledSql {
  const compiler = new SetCompiler(ctx);
  const set = compiler.node(tree);
  const everyone = `select r.id as id from records r where r.tenant_id = ${compiler.tenant}`;
  // A compound select is distinct already; a lone rule's set repeats a Record once per matching array element.
  const sql = set.complement ? subtract(everyone, [set.sql]) : `select distinct id from (${set.sql})`;
  return { sql, params: [JSON.stringify(compiler.c.list)] };
}
