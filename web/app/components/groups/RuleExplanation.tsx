import type { ExplainedBlock, ExplainedRule, ExplainedValue } from "../../lib/groups";
import { describeRule, type RuleTarget } from "../../lib/rules";

const isBlock = (node: ExplainedRule | ExplainedBlock): node is ExplainedBlock => "match" in node;

/** A mark people see at a glance, and words screen readers say instead of "check mark". */
function Verdict({ matched }: { matched: boolean }) {
  return (
    <>
      <span className={matched ? "verdict matched" : "verdict unmatched"} aria-hidden="true">
        {matched ? "✓" : "✗"}
      </span>
      <span className="visually-hidden">{matched ? "Matches:" : "Does not match:"}</span>
    </>
  );
}

function showValue({ value, invalidValue, invalidReason }: ExplainedValue) {
  if (value !== null) return <code>{value}</code>;
  if (invalidValue !== null) {
    return (
      <span className="invalid-value">
        <code>{invalidValue}</code> is invalid: {invalidReason}
      </span>
    );
  }
  return <span className="muted">empty</span>;
}

function RuleItem({ rule, targets }: { rule: ExplainedRule; targets: RuleTarget[] }) {
  return (
    <li className="explained-rule">
      <Verdict matched={rule.matched} /> {describeRule(rule, targets)}
      <div className="record-values">
        {rule.recordValues.length ? (
          <>
            The Record holds{" "}
            {rule.recordValues.map((v, i) => (
              <span key={v.position}>
                {i ? ", " : null}
                {showValue(v)}
              </span>
            ))}
          </>
        ) : (
          <span className="muted">The Record holds no value for {rule.property}.</span>
        )}
      </div>
    </li>
  );
}

function BlockItem({ block, targets }: { block: ExplainedBlock; targets: RuleTarget[] }) {
  return (
    <li className="explained-block">
      <Verdict matched={block.matched} /> {block.match === "all" ? "All of these" : "Any of these"}
      <ul>
        {block.rules.map((node, i) => (isBlock(node) ? <BlockItem key={i} block={node} targets={targets} /> : <RuleItem key={i} rule={node} targets={targets} />))}
      </ul>
    </li>
  );
}

/** Why a Record is in a calculated Group or not: every rule and block marked, with the values the rule looked at. */
export function RuleExplanation({ explanation, targets }: { explanation: ExplainedBlock; targets: RuleTarget[] }) {
  return (
    <ul className="explanation" aria-label="Rules, each marked as the Record matches it or not">
      <BlockItem block={explanation} targets={targets} />
    </ul>
  );
}
