import { json, type ActionFunctionArgs } from "@remix-run/cloudflare";
import { callApi, formFailure, relayCookies } from "../lib/api.server";
import { jsonField } from "../lib/json-field.server";
import type { ConnectionTest } from "../lib/models";

/** Tests options before they are saved, so a person sees whether the connection works first. */
export async function action(args: ActionFunctionArgs) {
  const form = await args.request.formData();
  const result = await callApi<{ test: ConnectionTest }>(args, "/apps/test", {
    method: "POST",
    body: { plugin: String(form.get("plugin")), type: String(form.get("type")), options: jsonField(form, "options") },
    csrfToken: form.get("csrf"),
  });
  if (!result.ok) return formFailure(args, result);
  return json({ test: result.data.test }, { headers: relayCookies(result) });
}
