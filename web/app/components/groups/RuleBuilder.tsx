import { useId } from "react";
import {
  childNumber,
  childPath,
  errorsOfBlock,
  errorsOfRule,
  isDraftBlock,
  MAX_DEPTH,
  newBlock,
  newRule,
  type DraftBlock,
  type DraftNode,
  type Match,
  type RuleTarget,
  type RuleTreeError,
} from "../../lib/rules";
import { RuleRow } from "./RuleRow";

interface BlockProps {
  block: DraftBlock;
  /** "" for the outermost block, else how people number it ("2", "2.3"). */
  number: string;
  path: string;
  depth: number;
  targets: RuleTarget[];
  errors: RuleTreeError[];
  onChange(block: DraftBlock): void;
  onRemove?(): void;
}

function BlockEditor({ block, number, path, depth, targets, errors, onChange, onRemove }: BlockProps) {
  const matchId = useId();
  const own = errorsOfBlock(errors, path);
  const setChild = (i: number, node: DraftNode) => onChange({ ...block, rules: block.rules.map((n, j) => (j === i ? node : n)) });
  const removeChild = (i: number) => onChange({ ...block, rules: block.rules.filter((_, j) => j !== i) });
  const add = (node: DraftNode) => onChange({ ...block, rules: [...block.rules, node] });
  const name = number ? `Block ${number}` : "Rules";

  return (
    <fieldset className={number ? "rule-block nested" : "rule-block"} aria-label={name}>
      <div className="rule-block-head">
        <label htmlFor={matchId}>{number ? `Block ${number}: match` : "Records match"}</label>
        <select id={matchId} value={block.match} onChange={(e) => onChange({ ...block, match: e.currentTarget.value as Match })}>
          <option value="all">all of these</option>
          <option value="any">any of these</option>
        </select>
        {onRemove ? (
          <button type="button" className="link-button" onClick={onRemove}>
            Remove block {number}
          </button>
        ) : null}
      </div>
      {own.map((e) => (
        <p key={`${e.path}:${e.message}`} className="field-error">
          {e.message}
        </p>
      ))}
      {block.rules.map((node, i) => {
        const at = childPath(path, i);
        const n = childNumber(number, i);
        return isDraftBlock(node) ? (
          <BlockEditor
            key={i}
            block={node}
            number={n}
            path={at}
            depth={depth + 1}
            targets={targets}
            errors={errors}
            onChange={(b) => setChild(i, b)}
            onRemove={() => removeChild(i)}
          />
        ) : (
          <RuleRow key={i} rule={node} number={n} path={at} targets={targets} errors={errorsOfRule(errors, at)} onChange={(r) => setChild(i, r)} onRemove={() => removeChild(i)} />
        );
      })}
      <div className="inline">
        <button type="button" onClick={() => add(newRule(targets))}>
          Add rule{number ? ` to block ${number}` : ""}
        </button>
        {/* The API refuses blocks nested deeper, so the builder does not offer them. */}
        {depth < MAX_DEPTH ? (
          <button type="button" onClick={() => add(newBlock(targets))}>
            Add block{number ? ` to block ${number}` : ""}
          </button>
        ) : null}
      </div>
    </fieldset>
  );
}

interface Props {
  tree: DraftBlock;
  targets: RuleTarget[];
  /** The API's last word on the tree, each shown at the rule or block it names. */
  errors: RuleTreeError[];
  onChange(tree: DraftBlock): void;
}

/** Rules over Properties, in blocks that match all or any of their rules, nested up to the depth the API allows. */
export function RuleBuilder({ tree, targets, errors, onChange }: Props) {
  return <BlockEditor block={tree} number="" path="" depth={1} targets={targets} errors={errors} onChange={onChange} />;
}
