import { Form, Link } from "@remix-run/react";
import type { Explanation } from "../../lib/groups";
import type { RuleTarget } from "../../lib/rules";
import type { ApiError } from "../../lib/types";
import { RuleExplanation } from "./RuleExplanation";

/** What the page loaded for the Record named in `?explain=`. */
export type Explained = { recordId: string } & ({ result: Explanation } | { error: ApiError });

function verdict({ member, matches }: Explanation) {
  if (member === matches) return member ? "It is a member: it matches the rules." : "It is not a member: it does not match the rules.";
  // Membership follows the rules once the Record changes or the Group is recalculated; until then the two can differ.
  return member
    ? "It is still a member, but no longer matches the rules; it leaves when the Group is next recalculated."
    : "It matches the rules, but is not a member yet; it joins when the Group is next recalculated.";
}

/** Why one Record is or is not in the Group, rule by rule. */
export function ExplainPanel({ explained, targets }: { explained: Explained | null; targets: RuleTarget[] }) {
  return (
    <section className="panel" aria-labelledby="explain-heading">
      <h2 id="explain-heading">Explain a Record</h2>
      <Form method="get" className="row-form">
        <div className="field grow">
          <label htmlFor="explain-record">Record id</label>
          <input id="explain-record" name="explain" required placeholder="rec_…" defaultValue={explained?.recordId} key={explained?.recordId} />
        </div>
        <button type="submit">Explain</button>
      </Form>
      {explained && "error" in explained ? (
        <p className="form-error" role="alert">
          {explained.error.message}
        </p>
      ) : explained ? (
        <div className="explained" data-testid="explanation">
          <p role="status">
            <Link to={`/records/${explained.recordId}`}>
              <code>{explained.recordId}</code>
            </Link>
            : {verdict(explained.result)}
          </p>
          <RuleExplanation explanation={explained.result.explanation} targets={targets} />
        </div>
      ) : null}
    </section>
  );
}
