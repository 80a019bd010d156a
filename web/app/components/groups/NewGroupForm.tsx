import { Form, useNavigation } from "@remix-run/react";
import { useState } from "react";
import { CsrfField } from "../CsrfField";
import { Field } from "../Field";
import { FormError } from "../FormError";
import type { Group } from "../../lib/groups";
import { newBlock, treeErrors, type RuleTarget } from "../../lib/rules";
import type { ApiError } from "../../lib/types";
import { RulesEditor } from "./RulesEditor";

const TYPES: { value: Group["type"]; label: string; text: string }[] = [
  { value: "manual", label: "Manual", text: "Members are added and removed by hand." },
  { value: "calculated", label: "Calculated", text: "Members are the Records that match rules, kept current as data changes." },
];

/** A new Group: picked by hand, or calculated from rules with a live count of what they take in. */
export function NewGroupForm({ targets, error }: { targets: RuleTarget[]; error?: ApiError }) {
  const [type, setType] = useState<Group["type"]>("manual");
  const creating = useNavigation().state === "submitting";
  // Errors about the rules are shown at the rules they name.
  const formError = treeErrors(error).length ? undefined : error;
  return (
    <Form method="post">
      <CsrfField />
      <fieldset className="radio-cards">
        <legend>Type</legend>
        {TYPES.map((t) => (
          <label key={t.value} className="radio-card">
            <input type="radio" name="type" value={t.value} checked={type === t.value} onChange={() => setType(t.value)} />
            <span>
              <strong>{t.label}</strong>
              <span className="hint">{t.text}</span>
            </span>
          </label>
        ))}
      </fieldset>
      <div className="row-form">
        <Field label="Name" name="name" required maxLength={100} error={formError} />
        <div className="grow">
          <Field label="Description" name="description" maxLength={1000} error={formError} />
        </div>
      </div>
      {type === "calculated" ? <RulesEditor initial={newBlock(targets)} targets={targets} saveError={error} /> : null}
      <FormError error={formError} fields={["name", "description"]} />
      <div className="form-actions">
        <button type="submit" className="primary" disabled={creating}>
          Create Group
        </button>
      </div>
    </Form>
  );
}
