import { useId } from "react";
import { errorField } from "../../lib/form-errors";
import type { Column } from "../../lib/models";
import type { ApiError } from "../../lib/types";

interface Props {
  label: string;
  name: string;
  columns: Column[] | null;
  value: string;
  onChange(value: string): void;
  hint?: string;
  error?: ApiError;
}

/** One of the chosen Source's columns; a saved column the Source no longer has stays visible so it can be replaced. */
export function ColumnSelect({ label, name, columns, value, onChange, hint, error }: Props) {
  const id = useId();
  const message = errorField(error) === name ? error?.message : undefined;
  const listed = columns ?? [];
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select id={id} name={name} value={value} required disabled={!columns} aria-invalid={message ? true : undefined} onChange={(e) => onChange(e.currentTarget.value)}>
        <option value="">{columns ? "Choose a column…" : "Choose a Source first"}</option>
        {value && !listed.some((c) => c.name === value) ? <option value={value}>{value}</option> : null}
        {listed.map((c) => (
          <option key={c.name} value={c.name}>
            {c.name} ({c.type})
          </option>
        ))}
      </select>
      {hint ? <p className="hint">{hint}</p> : null}
      {message ? (
        <p className="field-error" role="alert">
          {message}
        </p>
      ) : null}
    </div>
  );
}
