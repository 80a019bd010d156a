import { useId, type ReactNode } from "react";
import { fitsField } from "../../../../worker/destinations/field-fit";
import type { PropertyType } from "../../../../worker/properties/types";
import type { MappingOptions, RemoteField } from "../../lib/destinations";
import { errorField } from "../../lib/form-errors";
import type { ApiError } from "../../lib/types";

export interface MappingDraft {
  remote: string;
  property: string;
}

interface Props {
  options: MappingOptions | null;
  /** Why the fields are not shown yet: loading, or the Destination's own refusal. */
  status?: ReactNode;
  rows: MappingDraft[];
  setRows(rows: MappingDraft[]): void;
  error?: ApiError;
}

/** The API names a bad row as `mapping.<i>.<part>`; the whole mapping (a required field missing) as `mapping`. */
const rowError = (error: ApiError | undefined, i: number) => {
  const field = errorField(error);
  return field === `mapping.${i}.remote` || field === `mapping.${i}.property` ? error?.message : undefined;
};

function fieldWords(field: RemoteField) {
  return `${field.label}${field.label !== field.name ? ` (${field.name})` : ""} · ${field.type}${field.required ? " · required" : ""}`;
}

/**
 * Which Property fills each field there. The Destination says which fields it has, their types and
 * which are required; only Properties of a fitting type are offered for a field it knows.
 */
export function MappingEditor({ options, status, rows, setRows, error }: Props) {
  const id = useId();
  const fields = options?.fields ?? [];
  const fieldOf = new Map(fields.map((f) => [f.name, f]));
  const update = (i: number, change: Partial<MappingDraft>) => setRows(rows.map((r, j) => (j === i ? { ...r, ...change } : r)));
  const mappingError = errorField(error) === "mapping" ? error?.message : undefined;
  const unused = fields.filter((f) => !rows.some((r) => r.remote === f.name));

  return (
    <fieldset className="mapping">
      <legend>Fields</legend>
      {status ? <p className="hint choices-status">{status}</p> : null}
      {mappingError ? (
        <p className="field-error" role="alert">
          {mappingError}
        </p>
      ) : null}
      {options ? (
        <>
          {options.customFields ? <p className="hint">This Destination takes any field name; the ones it knows are suggested.</p> : null}
          <datalist id={`${id}-fields`}>
            {fields.map((f) => (
              <option key={f.name} value={f.name}>
                {f.label}
              </option>
            ))}
          </datalist>
          <table className="mapping-rows">
            <thead>
              <tr>
                <th scope="col">Field there</th>
                <th scope="col">Filled from Property</th>
                <th scope="col">
                  <span className="visually-hidden">Remove</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map((row, i) => {
                const field = fieldOf.get(row.remote);
                const message = rowError(error, i);
                const offered = options.properties.filter((p) => !field || fitsField(field.type, p.type as PropertyType));
                return (
                  <tr key={i} data-mapping-row={row.remote}>
                    <td>
                      {options.customFields ? (
                        <input
                          aria-label={`Field ${i + 1}`}
                          list={`${id}-fields`}
                          value={row.remote}
                          onChange={(e) => update(i, { remote: e.target.value })}
                          placeholder="field name"
                        />
                      ) : (
                        <select aria-label={`Field ${i + 1}`} value={row.remote} onChange={(e) => update(i, { remote: e.target.value })}>
                          <option value="">Choose a field…</option>
                          {fields.map((f) => (
                            <option key={f.name} value={f.name}>
                              {fieldWords(f)}
                            </option>
                          ))}
                        </select>
                      )}
                      {field && options.customFields ? <div className="hint">{fieldWords(field)}</div> : null}
                    </td>
                    <td>
                      <select
                        aria-label={`Property for ${row.remote || `field ${i + 1}`}`}
                        value={row.property}
                        aria-invalid={message ? true : undefined}
                        onChange={(e) => update(i, { property: e.target.value })}
                      >
                        <option value="">Choose a Property…</option>
                        {offered.map((p) => (
                          <option key={p.key} value={p.key}>
                            {p.key} · {p.type}
                            {p.array ? " list" : ""}
                          </option>
                        ))}
                      </select>
                      {message ? (
                        <p className="field-error" role="alert">
                          {message}
                        </p>
                      ) : null}
                    </td>
                    <td>
                      <button type="button" className="link-button" onClick={() => setRows(rows.filter((_, j) => j !== i))} disabled={field?.required}>
                        Remove
                      </button>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          <div className="inline">
            <button type="button" onClick={() => setRows([...rows, { remote: options.customFields ? "" : (unused[0]?.name ?? ""), property: "" }])}>
              Add a field
            </button>
            {fields.length ? <span className="hint">{unused.length ? `${unused.length} of its ${fields.length} fields not mapped` : "Every field it has is mapped"}</span> : null}
          </div>
        </>
      ) : null}
    </fieldset>
  );
}
