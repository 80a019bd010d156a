import { placeholderField } from "../../lib/placeholders";

interface Props {
  keys: string[];
  values: Record<string, string>;
  onChange?(key: string, value: string): void;
}

/** A value for each `{{ placeholder }}` in a query, so the preview shows the rows of one Record. */
export function PlaceholderInputs({ keys, values, onChange }: Props) {
  return (
    <fieldset className="placeholders">
      <legend>Preview for one Record</legend>
      {keys.map((key) => (
        <div className="field" key={key}>
          <label htmlFor={`placeholder-${key}`}>
            <code>{`{{ ${key} }}`}</code>
          </label>
          <input
            id={`placeholder-${key}`}
            name={placeholderField(key)}
            {...(onChange ? { value: values[key] ?? "", onChange: (e) => onChange(key, e.currentTarget.value) } : { defaultValue: values[key] ?? "" })}
          />
        </div>
      ))}
    </fieldset>
  );
}
