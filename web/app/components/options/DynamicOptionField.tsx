import { useFetcher } from "@remix-run/react";
import { useEffect } from "react";
import type { Choice, Options } from "../../lib/models";
import type { FormFailure } from "../../lib/types";
import { useSession } from "../../lib/use-session";
import { OptionField, type OptionFieldProps } from "./OptionField";

type Props = Omit<OptionFieldProps, "choices" | "status"> & {
  appId: string;
  sourceType: string;
  /** The Source's options so far, which the plugin may need (a table's columns need the table). */
  options: Options;
  /** Changes when the choices may have changed: another choice was made, or a file was uploaded. */
  refreshKey: string;
};

/** An option whose choices the plugin lists at run time, asked for again whenever what they depend on changes. */
export function DynamicOptionField({ appId, sourceType, options, refreshKey, ...field }: Props) {
  const fetcher = useFetcher<{ choices: Choice[] } | FormFailure>();
  const csrf = useSession().csrfToken;
  const { submit } = fetcher;
  useEffect(() => {
    submit(
      { csrf, appId, type: sourceType, key: field.spec.key, options: JSON.stringify(options) },
      { method: "post", action: "/resources/option-choices" },
    );
    // Options are sent as they are at that moment; refreshKey says when asking again is worth it.
  }, [submit, csrf, appId, sourceType, field.spec.key, refreshKey]);

  const answer = fetcher.data;
  const choices = answer && "choices" in answer ? answer.choices : [];
  const status =
    fetcher.state !== "idle" ? "Loading choices…" : answer && "error" in answer ? answer.error.message : choices.length === 0 ? "Nothing to choose from yet." : undefined;
  return <OptionField {...field} choices={choices} status={status} />;
}
