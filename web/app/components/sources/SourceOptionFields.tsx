import { useState } from "react";
import type { OptionSpec, SourceTypeInfo } from "../../lib/models";
import { optionsFromValues, type OptionValues } from "../../lib/option-values";
import type { ApiError } from "../../lib/types";
import { DynamicOptionField } from "../options/DynamicOptionField";
import { OptionField } from "../options/OptionField";
import { FileUpload } from "./FileUpload";

interface Props {
  appId: string;
  sourceType: SourceTypeInfo;
  values: OptionValues;
  setValue(key: string, value: string): void;
  error?: ApiError;
}

/** The csv plugin lists uploaded files as the choices of its `fileId` option; that is where an upload belongs. */
const choosesUploadedFile = (spec: OptionSpec) => spec.key === "fileId" && spec.dynamicChoices;

/** A Source type's options, with run-time choices (tables, columns, files) asked of the plugin as the form fills in. */
export function SourceOptionFields({ appId, sourceType, values, setValue, error }: Props) {
  const [uploads, setUploads] = useState(0);
  const options = optionsFromValues(sourceType.options, values);
  // Choices can depend on other choices (a table's columns), not on text being typed.
  const selects = sourceType.options.filter((spec) => spec.kind === "select");
  return (
    <>
      {sourceType.options.map((spec) => {
        const field = { spec, value: values[spec.key] ?? "", onChange: (value: string) => setValue(spec.key, value), error };
        if (!spec.dynamicChoices) return <OptionField key={spec.key} {...field} />;
        const refreshKey = JSON.stringify([uploads, ...selects.filter((s) => s.key !== spec.key).map((s) => values[s.key])]);
        return (
          <DynamicOptionField key={spec.key} {...field} appId={appId} sourceType={sourceType.type} options={options} refreshKey={refreshKey}>
            {choosesUploadedFile(spec) ? (
              <FileUpload
                onUploaded={(file) => {
                  setValue(spec.key, file.id);
                  setUploads((n) => n + 1);
                }}
              />
            ) : null}
          </DynamicOptionField>
        );
      })}
    </>
  );
}
