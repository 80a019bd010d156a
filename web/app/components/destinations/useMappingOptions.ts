import { useFetcher } from "@remix-run/react";
import { useEffect } from "react";
import type { MappingOptions } from "../../lib/destinations";
import type { Options } from "../../lib/models";
import type { FormFailure } from "../../lib/types";
import { useSession } from "../../lib/use-session";

/** Typing an audience id should not ask the outside system once per key pressed. */
const SETTLE_MS = 400;

/**
 * The fields and lists a Destination offers with the options as they are now, asked again once the
 * options stop changing: which fields there are can depend on them (a Mailchimp audience's merge fields).
 */
export function useMappingOptions(appId: string, type: string, options: Options, ready: boolean) {
  const fetcher = useFetcher<{ mappingOptions: MappingOptions } | FormFailure>();
  const csrf = useSession().csrfToken;
  const { submit } = fetcher;
  const key = JSON.stringify(options);
  useEffect(() => {
    if (!ready) return;
    const timer = setTimeout(() => submit({ csrf, appId, type, options: key }, { method: "post", action: "/resources/destination-fields" }), SETTLE_MS);
    return () => clearTimeout(timer);
  }, [submit, csrf, appId, type, key, ready]);
  const answer = fetcher.data;
  return {
    mappingOptions: answer && "mappingOptions" in answer ? answer.mappingOptions : null,
    error: answer && "error" in answer ? answer.error : undefined,
    loading: fetcher.state !== "idle",
  };
}
