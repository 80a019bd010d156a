import { redirect, type ActionFunctionArgs } from "@remix-run/cloudflare";
import { apiFailure, callApi, relayCookies } from "../lib/api.server";
import { safeNext } from "../lib/safe-next";

export const loader = () => redirect("/");

export async function action(args: ActionFunctionArgs) {
  const form = await args.request.formData();
  const result = await callApi(args, "/auth/logout", { method: "POST", csrfToken: form.get("csrf") });
  // Already logged out (401) is as good as logging out now.
  if (!result.ok && result.status !== 401) throw apiFailure(args, result);
  return redirect(safeNext(form.get("next"), "/login"), { headers: relayCookies(result) });
}
