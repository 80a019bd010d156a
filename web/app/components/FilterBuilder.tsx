import { FILTER_LABELS } from "../lib/describe-property";
import { errorField } from "../lib/form-errors";
import { FILTER_OPS, WINDOW_UNITS, type Column, type FilterOp, type WindowUnit } from "../lib/models";
import { blankFilterRow, needsValue, type FilterRow } from "../lib/filter-rows";
import type { ApiError } from "../lib/types";

interface Props {
  /** What it means to add none, for the thing filtered. */
  emptyHint: string;
  rows: FilterRow[];
  setRows(rows: FilterRow[]): void;
  columns: Column[];
  error?: ApiError;
}

/** Which of a Source's rows count: every condition must hold. */
export function FilterBuilder({ emptyHint, rows, setRows, columns, error }: Props) {
  const update = (i: number, change: Partial<FilterRow>) => setRows(rows.map((row, j) => (j === i ? { ...row, ...change } : row)));
  const field = errorField(error);
  return (
    <fieldset className="filters">
      <legend>Only rows where</legend>
      {rows.length === 0 ? <p className="hint">{emptyHint}</p> : null}
      {rows.map((row, i) => {
        const message = field?.startsWith(`filters.${i}.`) || field === `filters.${i}` ? error?.message : undefined;
        return (
          <div className="filter-row" key={i} role="group" aria-label={`Condition ${i + 1}`}>
            <select name="filter.column" aria-label="Column" required value={row.column} onChange={(e) => update(i, { column: e.currentTarget.value })}>
              <option value="">Column…</option>
              {columns.map((c) => (
                <option key={c.name} value={c.name}>
                  {c.name}
                </option>
              ))}
            </select>
            <select name="filter.op" aria-label="Comparison" value={row.op} onChange={(e) => update(i, { op: e.currentTarget.value as FilterOp })}>
              {FILTER_OPS.map((op) => (
                <option key={op} value={op}>
                  {FILTER_LABELS[op]}
                </option>
              ))}
            </select>
            {row.op === "in_last" ? (
              <span className="window-value">
                <input
                  name="filter.value"
                  aria-label="How many"
                  type="number"
                  min={1}
                  step={1}
                  required
                  value={row.value}
                  placeholder="7"
                  onChange={(e) => update(i, { value: e.currentTarget.value })}
                />
                <select name="filter.unit" aria-label="Unit" value={row.unit} onChange={(e) => update(i, { unit: e.currentTarget.value as WindowUnit })}>
                  {WINDOW_UNITS.map((unit) => (
                    <option key={unit} value={unit}>
                      {unit}
                    </option>
                  ))}
                </select>
              </span>
            ) : needsValue(row.op) ? (
              <>
                <input
                  name="filter.value"
                  aria-label="Value"
                  value={row.value}
                  placeholder={row.op === "in" ? "a, b, c" : "value"}
                  onChange={(e) => update(i, { value: e.currentTarget.value })}
                />
                <input type="hidden" name="filter.unit" value="" />
              </>
            ) : (
              // Holds the value's and unit's place in the row, and in the posted lists that are matched up by position.
              <span className="no-value">
                <input type="hidden" name="filter.value" value="" />
                <input type="hidden" name="filter.unit" value="" />
              </span>
            )}
            <button type="button" className="link-button" onClick={() => setRows(rows.filter((_, j) => j !== i))} aria-label={`Remove condition ${i + 1}`}>
              Remove
            </button>
            {message ? (
              <p className="field-error filter-error" role="alert">
                {message}
              </p>
            ) : null}
          </div>
        );
      })}
      <button type="button" onClick={() => setRows([...rows, blankFilterRow()])}>
        Add a condition
      </button>
    </fieldset>
  );
}
