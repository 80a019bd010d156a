import { json, type ActionFunctionArgs } from "@remix-run/cloudflare";
import { callApi, formFailure, relayCookies } from "../lib/api.server";
import type { DryRun } from "../lib/destinations";

/** What a sync of a Destination would do now; it reads only, so the page asking is not reloaded. */
export async function action(args: ActionFunctionArgs) {
  const form = await args.request.formData();
  const id = encodeURIComponent(String(form.get("destinationId") ?? ""));
  const result = await callApi<{ dryRun: DryRun }>(args, `/destinations/${id}/dry-run`, { method: "POST", csrfToken: form.get("csrf") });
  if (!result.ok) return formFailure(args, result);
  return json({ dryRun: result.data.dryRun }, { headers: relayCookies(result) });
}
