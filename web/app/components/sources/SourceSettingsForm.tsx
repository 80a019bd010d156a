import { Form, useNavigation } from "@remix-run/react";
import { useState } from "react";
import type { Source, SourceTypeInfo } from "../../lib/models";
import { initialOptionValues } from "../../lib/option-values";
import type { ApiError } from "../../lib/types";
import { CsrfField } from "../CsrfField";
import { Field } from "../Field";
import { FormError } from "../FormError";
import { RoleField } from "./RoleField";
import { SourceOptionFields } from "./SourceOptionFields";

/** A saved Source's name, role and options. Its identity is fixed once Records are tied to it. */
export function SourceSettingsForm({ source, sourceType, error }: { source: Source; sourceType: SourceTypeInfo; error?: ApiError }) {
  const [values, setValues] = useState(() => initialOptionValues(sourceType.options, source.options));
  const saving = useNavigation().formData?.get("intent") === "save";
  const optionFields = sourceType.options.flatMap((o) => [o.key, `options.${o.key}`]);
  return (
    <Form method="post">
      <CsrfField />
      <input type="hidden" name="intent" value="save" />
      <FormError error={error} fields={["name", ...optionFields]} />
      <Field label="Name" name="name" required maxLength={100} defaultValue={source.name} error={error} />
      <SourceOptionFields appId={source.appId} sourceType={sourceType} values={values} setValue={(key, value) => setValues((v) => ({ ...v, [key]: value }))} error={error} />
      <RoleField defaultValue={source.role} />
      <div className="form-actions">
        <button type="submit" className="primary" disabled={saving}>
          {saving ? "Saving…" : "Save changes"}
        </button>
      </div>
    </Form>
  );
}
