import { useFetcher } from "@remix-run/react";
import { useEffect, useState } from "react";
import type { GroupPreview } from "../../lib/groups";
import { keysOf, ruleErrors, toRuleTree, treeErrors, unplacedErrors, type DraftBlock, type RuleTarget } from "../../lib/rules";
import type { ApiError, FormFailure } from "../../lib/types";
import { useSession } from "../../lib/use-session";
import { RuleBuilder } from "./RuleBuilder";
import { RulePreview } from "./RulePreview";

/** Long enough that typing a value asks once, short enough that the count follows the person's edits. */
const PREVIEW_DELAY_MS = 300;

interface Props {
  initial: DraftBlock;
  targets: RuleTarget[];
  /** The refusal of the last save of this form, if any. */
  saveError?: ApiError;
}

/**
 * The rule builder with a live preview beside it. The tree posts with the surrounding form as
 * JSON in the "rules" field; the page's action sends it to the API.
 */
export function RulesEditor({ initial, targets, saveError }: Props) {
  const csrf = useSession().csrfToken;
  const [tree, setTree] = useState(initial);
  const previewer = useFetcher<GroupPreview | FormFailure>();
  const { submit } = previewer;
  const rules = JSON.stringify(toRuleTree(tree, targets));
  const [asked, setAsked] = useState<string | null>(null);
  // Whichever answered last, the preview or a save, says what is wrong with the rules now.
  const [errors, setErrors] = useState(() => treeErrors(saveError));

  useEffect(() => {
    const timer = setTimeout(() => {
      submit({ csrf, rules }, { method: "post", action: "/resources/group-preview" });
      setAsked(rules);
    }, PREVIEW_DELAY_MS);
    return () => clearTimeout(timer);
  }, [submit, csrf, rules]);

  const answer = previewer.data;
  useEffect(() => {
    if (answer) setErrors(treeErrors("error" in answer ? answer.error : undefined));
  }, [answer]);
  useEffect(() => {
    // A save refused for another field (the name) says nothing about the rules.
    const found = treeErrors(saveError);
    if (found.length) setErrors(found);
  }, [saveError]);

  // A refusal with no errors about the tree (the API was unreachable) is said once, in the preview.
  const failed = answer && "error" in answer && !ruleErrors(answer.error.details).length ? [answer.error.message] : [];
  const messages = [...unplacedErrors(tree, errors).map((e) => e.message), ...failed];

  return (
    <div className="rules-editor">
      <input type="hidden" name="rules" value={rules} />
      <RuleBuilder tree={tree} targets={targets} errors={errors} onChange={setTree} />
      <RulePreview
        preview={answer && "count" in answer ? answer : null}
        keys={keysOf(tree)}
        stale={asked !== rules || previewer.state !== "idle"}
        errors={errors}
        messages={messages}
      />
    </div>
  );
}
