import { Form, useFetcher, useNavigation } from "@remix-run/react";
import { useState } from "react";
import type { App, Preview, SourceTypeInfo } from "../../lib/models";
import { initialOptionValues, optionsFromValues } from "../../lib/option-values";
import { filledIn, placeholderKeys } from "../../lib/placeholders";
import { filtersFromRows, type FilterRow } from "../../lib/filter-rows";
import type { ApiError, FormFailure } from "../../lib/types";
import { useSession } from "../../lib/use-session";
import { CsrfField } from "../CsrfField";
import { Field } from "../Field";
import { FilterBuilder } from "../FilterBuilder";
import { FormError } from "../FormError";
import { DraftPreview } from "./DraftPreview";
import { IdentityFields } from "./IdentityFields";
import { RoleField } from "./RoleField";
import { SourceOptionFields } from "./SourceOptionFields";

interface Props {
  app: App;
  sourceType: SourceTypeInfo;
  propertyKeys: string[];
  error?: ApiError;
}

const IDENTITY_FIELDS = ["identity", "identity.column", "identity.propertyKey", "identity.propertyType"];

export function NewSourceForm({ app, sourceType, propertyKeys, error }: Props) {
  const csrf = useSession().csrfToken;
  const [values, setValues] = useState(() => initialOptionValues(sourceType.options));
  const [placeholderValues, setPlaceholderValues] = useState<Record<string, string>>({});
  const [filters, setFilters] = useState<FilterRow[]>([]);
  const previewer = useFetcher<{ preview: Preview } | FormFailure>();
  const creating = useNavigation().state === "submitting";

  const options = optionsFromValues(sourceType.options, values);
  const keys = sourceType.keyedBy === "placeholders" ? placeholderKeys(sourceType.options, options) : [];
  const answer = previewer.data;
  const preview = answer && "preview" in answer ? answer.preview : null;
  const runPreview = () =>
    previewer.submit(
      {
        csrf,
        appId: app.id,
        type: sourceType.type,
        options: JSON.stringify(options),
        values: JSON.stringify(filledIn(Object.fromEntries(keys.map((k) => [k, placeholderValues[k] ?? ""])))),
        filters: JSON.stringify(filtersFromRows(filters.filter((f) => f.column))),
      },
      { method: "post", action: "/resources/source-preview" },
    );
  const optionFields = sourceType.options.flatMap((o) => [o.key, `options.${o.key}`]);
  const filterFields = filters.map((_, i) => [`filters.${i}`, `filters.${i}.column`, `filters.${i}.value`]).flat();

  return (
    <Form method="post">
      <CsrfField />
      <input type="hidden" name="appId" value={app.id} />
      <input type="hidden" name="type" value={sourceType.type} />
      <FormError error={error} fields={["name", ...optionFields, ...filterFields, ...IDENTITY_FIELDS]} />
      <section className="panel" aria-labelledby="settings-heading">
        <h2 id="settings-heading">Settings</h2>
        <Field label="Name" name="name" required maxLength={100} placeholder="e.g. Customers" error={error} />
        <SourceOptionFields appId={app.id} sourceType={sourceType} values={values} setValue={(key, value) => setValues((v) => ({ ...v, [key]: value }))} error={error} />
        {preview ? (
          <FilterBuilder emptyHint="Every row is read. Add a condition to read only some." rows={filters} setRows={setFilters} columns={preview.columns} error={error} />
        ) : (
          <p className="hint">Preview the Source to read only the rows that match conditions on its columns.</p>
        )}
      </section>
      <DraftPreview
        placeholderKeys={keys}
        placeholderValues={placeholderValues}
        setPlaceholderValue={(key, value) => setPlaceholderValues((v) => ({ ...v, [key]: value }))}
        onPreview={runPreview}
        busy={previewer.state !== "idle"}
        preview={preview}
        error={answer && "error" in answer ? answer.error : undefined}
      />
      <section className="panel" aria-labelledby="identity-heading">
        <h2 id="identity-heading">Records</h2>
        {sourceType.pushOnly ? (
          <p className="muted">
            Data arrives by <code>POST /api/v1/imports</code> and by this Source's signed webhook. Once it exists, give it Properties whose
            column is their key, and make one of them unique: its values tell Records apart.
          </p>
        ) : sourceType.keyedBy === "identity_column" ? (
          <IdentityFields columns={preview?.columns ?? null} error={error} />
        ) : sourceType.keyedBy === "record" ? (
          <p className="muted">
            Each event names the Record it is about. Give this Source Properties computed from events: a count of one name, the time of the
            last one, or the last value of a data key.
          </p>
        ) : (
          <p className="muted">
            The query runs once for each Record, with its <code>{"{{ property_key }}"}</code> placeholders bound to that Record's values.
            {propertyKeys.length ? ` Properties you can use: ${propertyKeys.join(", ")}.` : " Define a Property first; the query needs one to name."}
          </p>
        )}
        <RoleField />
      </section>
      <div className="form-actions">
        <button type="submit" className="primary" disabled={creating}>
          {creating ? "Creating…" : "Create Source"}
        </button>
      </div>
    </Form>
  );
}
