import { json, type ActionFunctionArgs } from "@remix-run/cloudflare";
import { callApi, formFailure, relayCookies } from "../lib/api.server";
import { jsonField } from "../lib/json-field.server";
import type { Choice } from "../lib/models";

/** The choices of a Source option the plugin lists at run time (tables, columns, uploaded files). */
export async function action(args: ActionFunctionArgs) {
  const form = await args.request.formData();
  const result = await callApi<{ choices: Choice[] }>(args, "/sources/option-choices", {
    method: "POST",
    body: { appId: String(form.get("appId")), type: String(form.get("type")), key: String(form.get("key")), options: jsonField(form, "options") },
    csrfToken: form.get("csrf"),
  });
  if (!result.ok) return formFailure(args, result);
  return json({ choices: result.data.choices }, { headers: relayCookies(result) });
}
