import { useId, type ReactNode } from "react";
import { errorField } from "../../lib/form-errors";
import type { Choice, OptionSpec } from "../../lib/models";
import { optionField } from "../../lib/option-values";
import type { ApiError } from "../../lib/types";
import { OptionInput } from "./OptionInput";

export interface OptionFieldProps {
  spec: OptionSpec;
  value: string;
  onChange(value: string): void;
  error?: ApiError;
  /** For secrets: whether one is stored already, so a blank input keeps it (the input says so). */
  secretSet?: boolean;
  /** Choices listed by the plugin at run time, for options with dynamic choices. */
  choices?: Choice[];
  /** A line about those choices: that they are loading, or why they could not be listed. */
  status?: ReactNode;
  children?: ReactNode;
}

/** The API names a bad option either by its key or as `options.<key>`. */
const isAbout = (error: ApiError | undefined, key: string) => {
  const field = errorField(error);
  return field === key || field === `options.${key}`;
};

/** One plugin option, labelled and explained, with the API's message beside it when it is about this option. */
export function OptionField({ spec, value, onChange, error, secretSet, choices, status, children }: OptionFieldProps) {
  const id = useId();
  const message = isAbout(error, spec.key) ? error?.message : undefined;
  const optional = !spec.required && spec.default === undefined && spec.kind !== "boolean";
  const hint = spec.description;
  const described = [hint ? `${id}-hint` : null, message ? `${id}-error` : null].filter(Boolean).join(" ") || undefined;
  const input = (
    <OptionInput
      id={id}
      name={optionField(spec.key)}
      spec={spec}
      value={value}
      onChange={onChange}
      invalid={Boolean(message)}
      describedBy={described}
      secretSet={secretSet}
      choices={choices ?? spec.choices ?? []}
    />
  );
  return (
    <div className={spec.kind === "boolean" ? "field checkbox-field" : "field"}>
      {spec.kind === "boolean" ? (
        <label htmlFor={id}>
          {input} {spec.label}
        </label>
      ) : (
        <>
          <label htmlFor={id}>
            {spec.label}
            {optional ? <span className="optional"> (optional)</span> : null}
          </label>
          {input}
        </>
      )}
      {hint ? (
        <p className="hint" id={`${id}-hint`}>
          {hint}
        </p>
      ) : null}
      {status ? <p className="hint choices-status">{status}</p> : null}
      {children}
      {message ? (
        <p className="field-error" id={`${id}-error`} role="alert">
          {message}
        </p>
      ) : null}
    </div>
  );
}
