import { Form, useNavigation } from "@remix-run/react";
import { useState } from "react";
import type { Column, Source, SourceTypeInfo } from "../../lib/models";
import { initialOptionValues } from "../../lib/option-values";
import { filterRow } from "../../lib/filter-rows";
import type { ApiError } from "../../lib/types";
import { CsrfField } from "../CsrfField";
import { Field } from "../Field";
import { FormError } from "../FormError";
import { FilterBuilder } from "../FilterBuilder";
import { RoleField } from "./RoleField";
import { SourceOptionFields } from "./SourceOptionFields";

/** A saved Source's name, role and options. Its identity is fixed once Records are tied to it. */
interface Props {
  source: Source;
  sourceType: SourceTypeInfo;
  /** The Source's columns as last read, for its row filters; null when they could not be read. */
  columns: Column[] | null;
  error?: ApiError;
}

export function SourceSettingsForm({ source, sourceType, columns, error }: Props) {
  const [values, setValues] = useState(() => initialOptionValues(sourceType.options, source.options));
  const [filters, setFilters] = useState(() => source.filters.map(filterRow));
  const saving = useNavigation().formData?.get("intent") === "save";
  const optionFields = sourceType.options.flatMap((o) => [o.key, `options.${o.key}`]);
  const filterFields = filters.map((_, i) => [`filters.${i}`, `filters.${i}.column`, `filters.${i}.value`]).flat();
  return (
    <Form method="post">
      <CsrfField />
      <input type="hidden" name="intent" value="save" />
      <FormError error={error} fields={["name", ...optionFields, ...filterFields]} />
      <Field label="Name" name="name" required maxLength={100} defaultValue={source.name} error={error} />
      <SourceOptionFields appId={source.appId} sourceType={sourceType} values={values} setValue={(key, value) => setValues((v) => ({ ...v, [key]: value }))} error={error} />
      <FilterBuilder emptyHint="Every row is read. Add a condition to read only some." rows={filters} setRows={setFilters} columns={columns ?? []} error={error} />
      <RoleField defaultValue={source.role} />
      <div className="form-actions">
        <button type="submit" className="primary" disabled={saving}>
          {saving ? "Saving…" : "Save changes"}
        </button>
      </div>
    </Form>
  );
}
