import type { Choice, OptionSpec } from "../../lib/models";
import { ChoiceChips } from "./ChoiceChips";

interface Props {
  id: string;
  name: string;
  spec: OptionSpec;
  value: string;
  onChange(value: string): void;
  invalid: boolean;
  describedBy?: string;
  secretSet?: boolean;
  choices: Choice[];
}

/** The input that suits an option's kind: a password box for secrets, a monospace area for SQL, a select for choices. */
export function OptionInput({ id, name, spec, value, onChange, invalid, describedBy, secretSet, choices }: Props) {
  const common = { id, name, "aria-invalid": invalid || undefined, "aria-describedby": describedBy };
  switch (spec.kind) {
    case "boolean":
      return <input {...common} type="checkbox" value="true" checked={value === "true"} onChange={(e) => onChange(e.currentTarget.checked ? "true" : "false")} />;
    case "select": {
      // A saved value the plugin no longer lists stays visible rather than silently becoming another choice.
      const listed = value && !choices.some((c) => c.value === value) ? [{ value, label: value }, ...choices] : choices;
      const blank = value === "" || (!spec.required && spec.default === undefined);
      return (
        <select {...common} value={value} required={spec.required} onChange={(e) => onChange(e.currentTarget.value)}>
          {blank ? <option value="">{spec.required ? "Choose…" : "None"}</option> : null}
          {listed.map((choice) => (
            <option key={choice.value} value={choice.value}>
              {choice.label}
            </option>
          ))}
        </select>
      );
    }
    case "sql":
    case "text":
      return (
        <textarea
          {...common}
          className={spec.kind === "sql" ? "code" : undefined}
          rows={spec.kind === "sql" ? 6 : 3}
          spellCheck={spec.kind === "sql" ? false : undefined}
          value={value}
          required={spec.required}
          placeholder={spec.placeholder}
          onChange={(e) => onChange(e.currentTarget.value)}
        />
      );
    default:
      return (
        <>
          <input
            {...common}
            type={spec.secret ? "password" : spec.kind === "number" ? "number" : "text"}
            autoComplete={spec.secret ? "new-password" : "off"}
            value={value}
            required={spec.required && !(spec.secret && secretSet)}
            placeholder={spec.secret && secretSet ? "set — leave blank to keep" : spec.placeholder ?? (spec.default !== undefined ? String(spec.default) : undefined)}
            onChange={(e) => onChange(e.currentTarget.value)}
          />
          {spec.dynamicChoices && choices.length ? <ChoiceChips choices={choices} value={value} onChange={onChange} label={spec.label} /> : null}
        </>
      );
  }
}
