import { useId, useState } from "react";
import { errorField } from "../../lib/form-errors";
import { PROPERTY_TYPES, type Column, type PropertyType } from "../../lib/models";
import { suggestKey, suggestType } from "../../lib/suggest-type";
import type { ApiError } from "../../lib/types";
import { Field } from "../Field";
import { TypeSelect } from "../properties/TypeSelect";

/**
 * Which column identifies a Record, and the unique Property it fills. The key and type follow the
 * column until the person changes them.
 */
export function IdentityFields({ columns, error }: { columns: Column[] | null; error?: ApiError }) {
  const columnId = useId();
  const [column, setColumn] = useState("");
  const [key, setKey] = useState<string | null>(null);
  const [type, setType] = useState<PropertyType | null>(null);
  const chosen = columns?.find((c) => c.name === column);
  const field = errorField(error);
  const columnMessage = field === "identity" || field === "identity.column" ? error?.message : undefined;
  return (
    <>
      <div className="field">
        <label htmlFor={columnId}>Identity column</label>
        <select
          id={columnId}
          name="identity.column"
          value={column}
          disabled={!columns}
          required
          aria-invalid={columnMessage ? true : undefined}
          onChange={(e) => setColumn(e.currentTarget.value)}
        >
          <option value="">{columns ? "Choose a column…" : "Preview the Source to list its columns"}</option>
          {columns?.map((c) => (
            <option key={c.name} value={c.name}>
              {c.name} ({c.type})
            </option>
          ))}
        </select>
        <p className="hint">Each value of this column is one Record, such as an email address or a customer id.</p>
        {columnMessage ? (
          <p className="field-error" role="alert">
            {columnMessage}
          </p>
        ) : null}
      </div>
      <div className="field-row">
        <Field
          label="Unique Property key"
          name="identity.propertyKey"
          pattern="[a-z][a-z0-9_]{0,62}"
          value={key ?? (column ? suggestKey(column) : "")}
          onChange={(e) => setKey(e.currentTarget.value)}
          hint="An existing unique Property, or a new one created with the Source."
          error={error}
        />
        <TypeSelect
          label="Property type"
          name="identity.propertyType"
          value={type ?? (chosen ? suggestType(chosen) : "string")}
          onChange={setType}
          types={PROPERTY_TYPES}
          error={error}
        />
      </div>
    </>
  );
}
