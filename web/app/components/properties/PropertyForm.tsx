import { Form, useFetcher, useNavigation } from "@remix-run/react";
import { useId, useState } from "react";
import { aggregationsFor, ordered } from "../../lib/aggregations";
import { AGGREGATION_LABELS, describeRead } from "../../lib/describe-property";
import { errorField } from "../../lib/form-errors";
import { PROPERTY_TYPES, type Aggregation, type App, type Column, type Property, type PropertyType, type Source } from "../../lib/models";
import { filterRow, filtersFromRows, type FilterRow } from "../../lib/filter-rows";
import { suggestKey, suggestType } from "../../lib/suggest-type";
import type { ApiError, FormFailure } from "../../lib/types";
import { CsrfField } from "../CsrfField";
import { Field } from "../Field";
import { FormError } from "../FormError";
import { ColumnSelect } from "./ColumnSelect";
import { FilterBuilder } from "../FilterBuilder";
import { TypeSelect } from "./TypeSelect";

interface Props {
  sources: Source[];
  apps: App[];
  /** The Property being edited; absent for a new one. */
  property?: Property;
  /** For a new Property: the Source it was started from. */
  sourceId?: string;
  /** The columns of that Source, or why they could not be read. */
  columns: Column[] | null;
  columnsError: ApiError | null;
  error?: ApiError;
  submitLabel: string;
}

const SHOWN_BESIDE_FIELDS = ["key", "type", "sourceId", "column", "aggregation", "sortColumn", "unique", "array"];

export function PropertyForm({ sources, apps, property, sourceId: startSourceId = "", columns: startColumns, columnsError, error, submitLabel }: Props) {
  const sourceFieldId = useId();
  const aggregationId = useId();
  const columnsFetcher = useFetcher<{ columns: Column[] } | FormFailure>();
  const saving = useNavigation().state === "submitting";
  const [sourceId, setSourceId] = useState(property?.sourceId ?? startSourceId);
  const [sourceChanged, setSourceChanged] = useState(false);
  const [key, setKey] = useState<string | null>(property?.key ?? null);
  const [type, setType] = useState<PropertyType | null>(property?.type ?? null);
  const [column, setColumn] = useState(property?.column ?? "");
  const [aggregation, setAggregation] = useState<Aggregation>(property?.aggregation ?? "exact");
  const [sortColumn, setSortColumn] = useState(property?.sortColumn ?? "");
  const [filters, setFilters] = useState<FilterRow[]>(property?.filters.map(filterRow) ?? []);
  const [unique, setUnique] = useState(property?.unique ?? false);
  const [array, setArray] = useState(property?.array ?? false);

  const fetched = columnsFetcher.data;
  const columns = sourceChanged ? (fetched && "columns" in fetched && columnsFetcher.state === "idle" ? fetched.columns : null) : startColumns;
  const sourceError = sourceChanged ? (fetched && "error" in fetched ? fetched.error : null) : columnsError;
  const chosenColumn = columns?.find((c) => c.name === column);
  // A new Property's key and type follow its column until the person sets them.
  const shownKey = key ?? (column ? suggestKey(column) : "");
  const shownType = type ?? (chosenColumn ? suggestType(chosenColumn) : "string");
  const allowed = aggregationsFor(shownType, unique, array);
  const shownAggregation = allowed.includes(aggregation) ? aggregation : "exact";
  const appNames = new Map(apps.map((a) => [a.id, a.name]));
  const summary = column
    ? describeRead({ column, aggregation: shownAggregation, sortColumn: sortColumn || "…", array, filters: filtersFromRows(filters.filter((f) => f.column)) })
    : null;

  const chooseSource = (id: string) => {
    setSourceId(id);
    setSourceChanged(true);
    setColumn("");
    setSortColumn("");
    setFilters([]);
    if (id) columnsFetcher.load(`/resources/source-columns?sourceId=${encodeURIComponent(id)}`);
  };

  return (
    <Form method="post">
      <CsrfField />
      <input type="hidden" name="intent" value="save" />
      <FormError error={error} fields={SHOWN_BESIDE_FIELDS.concat(errorField(error)?.startsWith("filters.") ? [errorField(error)!] : [])} />
      <section className="panel" aria-labelledby="what-heading">
        <h2 id="what-heading">What it holds</h2>
        <div className="field-row">
          <Field
            label="Key"
            name="key"
            required
            pattern="[a-z][a-z0-9_]{0,62}"
            value={shownKey}
            onChange={(e) => setKey(e.currentTarget.value)}
            hint="Lowercase letters, digits and _, used in rules and query placeholders."
            error={error}
          />
          <TypeSelect label="Type" name="type" value={shownType} onChange={setType} types={PROPERTY_TYPES} error={error} />
        </div>
        <div className="checkbox-row">
          <label>
            <input type="checkbox" name="unique" value="true" checked={unique} disabled={array} onChange={(e) => setUnique(e.currentTarget.checked)} /> Unique
            <span className="hint"> — identifies a Record, one exact value each</span>
          </label>
          <label>
            <input type="checkbox" name="array" value="true" checked={array} disabled={unique} onChange={(e) => setArray(e.currentTarget.checked)} /> Array
            <span className="hint"> — keeps every matching value</span>
          </label>
        </div>
        {errorField(error) === "unique" || errorField(error) === "array" ? (
          <p className="field-error" role="alert">
            {error?.message}
          </p>
        ) : null}
      </section>
      <section className="panel" aria-labelledby="how-heading">
        <h2 id="how-heading">Where it is read from</h2>
        <div className="field">
          <label htmlFor={sourceFieldId}>Source</label>
          <select id={sourceFieldId} name="sourceId" value={sourceId} required onChange={(e) => chooseSource(e.currentTarget.value)}>
            <option value="">Choose a Source…</option>
            {sources.map((s) => (
              <option key={s.id} value={s.id}>
                {s.name} ({appNames.get(s.appId) ?? "App"})
              </option>
            ))}
          </select>
          {sourceError ? (
            <p className="field-error" role="alert">
              {sourceError.message}
            </p>
          ) : null}
        </div>
        <ColumnSelect label="Column" name="column" columns={columns} value={column} onChange={setColumn} error={error} />
        <div className="field">
          <label htmlFor={aggregationId}>Aggregation</label>
          <select id={aggregationId} name="aggregation" value={shownAggregation} onChange={(e) => setAggregation(e.currentTarget.value as Aggregation)}>
            {allowed.map((a) => (
              <option key={a} value={a}>
                {AGGREGATION_LABELS[a]}
              </option>
            ))}
          </select>
          <p className="hint">How a Record's rows become one value. Sum and average need type integer or float, count needs integer; unique Properties read the exact value.</p>
        </div>
        {ordered(shownAggregation) ? (
          <ColumnSelect label="Sort column" name="sortColumn" columns={columns} value={sortColumn} onChange={setSortColumn} hint="Orders the rows, usually a timestamp." error={error} />
        ) : null}
        <FilterBuilder emptyHint="Every row of the Source counts. Add a condition to count only some." rows={filters} setRows={setFilters} columns={columns ?? []} error={error} />
        {summary ? (
          <p className="summary" data-testid="property-summary">
            Reads <strong>{summary}</strong>
          </p>
        ) : null}
      </section>
      <div className="form-actions">
        <button type="submit" className="primary" disabled={saving}>
          {saving ? "Saving…" : submitLabel}
        </button>
      </div>
    </Form>
  );
}
