import { Form, Link, useNavigation } from "@remix-run/react";
import { CsrfField } from "../CsrfField";
import { FormError } from "../FormError";
import { describeTree, newBlock, toDraft, treeErrors, type RuleBlock, type RuleTarget } from "../../lib/rules";
import type { ApiError } from "../../lib/types";
import { RulesEditor } from "./RulesEditor";

interface Props {
  groupId: string;
  rules: RuleBlock | null;
  targets: RuleTarget[];
  writer: boolean;
  /** Editing is a mode of the page's address (`?edit=rules`), so Cancel is a link and a saved change lands back on reading. */
  editing: boolean;
  error?: ApiError;
}

/** A calculated Group's rules: read in words, or edited with the builder and its live preview. */
export function RulesPanel({ groupId, rules, targets, writer, editing, error }: Props) {
  const saving = useNavigation().state === "submitting";
  return (
    <section className="panel" aria-labelledby="rules-heading">
      <div className="panel-header">
        <h2 id="rules-heading">Rules</h2>
        {writer && !editing ? (
          <Link to={`/groups/${groupId}?edit=rules`} className="button">
            Edit rules
          </Link>
        ) : null}
      </div>
      {editing ? (
        <Form method="post">
          <CsrfField />
          <RulesEditor initial={rules ? toDraft(rules) : newBlock(targets)} targets={targets} saveError={error} />
          {/* Errors about the rules show at the rules they name. */}
          <FormError error={treeErrors(error).length ? undefined : error} />
          <div className="form-actions">
            <button type="submit" name="intent" value="rules" className="primary" disabled={saving}>
              Save rules
            </button>
            <Link to={`/groups/${groupId}`}>Cancel</Link>
          </div>
        </Form>
      ) : (
        <p className="rules-in-words" data-testid="rules-in-words">
          {rules ? `Records where ${describeTree(rules, targets)}` : "No rules yet."}
        </p>
      )}
    </section>
  );
}
