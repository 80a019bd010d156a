import { Form, useFetcher, useNavigation } from "@remix-run/react";
import { useState } from "react";
import type { App, AppTypeInfo, ConnectionTest } from "../../lib/models";
import { initialOptionValues, optionsFromValues } from "../../lib/option-values";
import { SECRET_MASK } from "../../lib/secrets";
import type { ApiError, FormFailure } from "../../lib/types";
import { useSession } from "../../lib/use-session";
import { CsrfField } from "../CsrfField";
import { Field } from "../Field";
import { FormError } from "../FormError";
import { OptionField } from "../options/OptionField";
import { TestResult } from "./TestResult";

interface Props {
  plugin: string;
  appType: AppTypeInfo;
  /** The App being edited; absent for a new one. */
  saved?: App;
  error?: ApiError;
  submitLabel: string;
}

/** An App's name and options, generated from its type's option specs, with a connection test of what is typed. */
export function AppForm({ plugin, appType, saved, error, submitLabel }: Props) {
  const csrf = useSession().csrfToken;
  const [values, setValues] = useState(() => initialOptionValues(appType.options, saved?.options));
  const tester = useFetcher<{ test: ConnectionTest } | FormFailure>();
  const saving = useNavigation().state === "submitting";
  const options = optionsFromValues(appType.options, values);
  // A result is about the options it tested; once they change it would mislead, so it goes.
  const [testedOptions, setTestedOptions] = useState<string | null>(null);
  const answer = testedOptions === JSON.stringify(options) ? tester.data : undefined;
  const testError = answer && "error" in answer ? answer.error : undefined;
  const shownError = error ?? testError;
  const optionFields = appType.options.flatMap((o) => [o.key, `options.${o.key}`]);
  const test = () => {
    setTestedOptions(JSON.stringify(options));
    tester.submit({ csrf, plugin, type: appType.type, options: JSON.stringify(options) }, { method: "post", action: "/resources/app-test" });
  };
  return (
    <Form method="post" className="app-form">
      <CsrfField />
      <input type="hidden" name="intent" value="save" />
      <FormError error={shownError} fields={["name", ...optionFields]} />
      <Field label="Name" name="name" required maxLength={100} defaultValue={saved?.name} placeholder={`e.g. ${appType.displayName} production`} error={error} />
      {appType.options.map((spec) => (
        <OptionField
          key={spec.key}
          spec={spec}
          value={values[spec.key] ?? ""}
          onChange={(value) => setValues((v) => ({ ...v, [spec.key]: value }))}
          secretSet={saved?.options[spec.key] === SECRET_MASK}
          error={shownError}
        />
      ))}
      {answer && "test" in answer ? <TestResult test={answer.test} /> : null}
      <div className="form-actions">
        <button type="submit" className="primary" disabled={saving}>
          {saving ? "Saving…" : submitLabel}
        </button>
        {saved ? null : (
          <button type="button" onClick={test} disabled={tester.state !== "idle"}>
            {tester.state !== "idle" ? "Testing…" : "Test connection"}
          </button>
        )}
      </div>
    </Form>
  );
}
