import { json, type ActionFunctionArgs } from "@remix-run/cloudflare";
import { callApi, formFailure, relayCookies } from "../lib/api.server";
import { jsonField, jsonListField } from "../lib/json-field.server";
import type { Preview } from "../lib/models";

/** The first rows of a Source that is not saved yet, so its form shows real data before anything is created. */
export async function action(args: ActionFunctionArgs) {
  const form = await args.request.formData();
  const result = await callApi<{ preview: Preview }>(args, "/sources/preview", {
    method: "POST",
    body: {
      appId: String(form.get("appId")),
      type: String(form.get("type")),
      options: jsonField(form, "options"),
      values: jsonField(form, "values"),
      filters: jsonListField(form, "filters"),
    },
    csrfToken: form.get("csrf"),
  });
  if (!result.ok) return formFailure(args, result);
  return json({ preview: result.data.preview }, { headers: relayCookies(result) });
}
