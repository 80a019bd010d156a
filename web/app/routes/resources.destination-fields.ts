import { json, type ActionFunctionArgs } from "@remix-run/cloudflare";
import { callApi, formFailure, relayCookies } from "../lib/api.server";
import type { MappingOptions } from "../lib/destinations";
import { jsonField } from "../lib/json-field.server";

/** The fields and lists a Destination being defined offers, for options not saved yet (an audience's merge fields). */
export async function action(args: ActionFunctionArgs) {
  const form = await args.request.formData();
  const result = await callApi<{ mappingOptions: MappingOptions }>(args, "/destinations/mapping-options", {
    method: "POST",
    body: { appId: String(form.get("appId")), type: String(form.get("type")), options: jsonField(form, "options") },
    csrfToken: form.get("csrf"),
  });
  if (!result.ok) return formFailure(args, result);
  return json({ mappingOptions: result.data.mappingOptions }, { headers: relayCookies(result) });
}
