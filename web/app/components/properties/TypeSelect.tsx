import { useId } from "react";
import { errorField } from "../../lib/form-errors";
import type { PropertyType } from "../../lib/models";
import type { ApiError } from "../../lib/types";

interface Props {
  label: string;
  name: string;
  value: PropertyType;
  onChange(type: PropertyType): void;
  types: readonly PropertyType[];
  error?: ApiError;
}

/** A Property type, with the API's message beside it when the type is what it refused. */
export function TypeSelect({ label, name, value, onChange, types, error }: Props) {
  const id = useId();
  const message = errorField(error) === name ? error?.message : undefined;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select id={id} name={name} value={value} aria-invalid={message ? true : undefined} onChange={(e) => onChange(e.currentTarget.value as PropertyType)}>
        {types.map((type) => (
          <option key={type} value={type}>
            {type}
          </option>
        ))}
      </select>
      {message ? (
        <p className="field-error" role="alert">
          {message}
        </p>
      ) : null}
    </div>
  );
}
