import { json, type ActionFunctionArgs } from "@remix-run/cloudflare";
import { callApi, formFailure, relayCookies } from "../lib/api.server";
import type { GroupPreview } from "../lib/groups";
import { jsonField } from "../lib/json-field.server";

/** How many Records a draft of rules takes in, asked for while a person edits them, before anything is saved. */
export async function action(args: ActionFunctionArgs) {
  const form = await args.request.formData();
  const result = await callApi<GroupPreview>(args, "/groups/preview", { method: "POST", body: { rules: jsonField(form, "rules") }, csrfToken: form.get("csrf") });
  if (!result.ok) return formFailure(args, result);
  return json(result.data, { headers: relayCookies(result) });
}
