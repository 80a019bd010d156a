import { redirect, type ActionFunctionArgs } from "@remix-run/cloudflare";
import { apiFailure, callApi, relayCookies } from "../lib/api.server";

export const loader = () => redirect("/home");

export async function action(args: ActionFunctionArgs) {
  const form = await args.request.formData();
  const result = await callApi(args, "/auth/switch-workspace", {
    method: "POST",
    body: { workspaceId: String(form.get("workspaceId") ?? "") },
    csrfToken: form.get("csrf"),
  });
  if (!result.ok) throw apiFailure(args, result);
  return redirect("/home", { headers: relayCookies(result) });
}
