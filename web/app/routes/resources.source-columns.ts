import { json, type LoaderFunctionArgs } from "@remix-run/cloudflare";
import { callApi, formFailure, relayCookies } from "../lib/api.server";
import type { Column } from "../lib/models";

/** A saved Source's columns, for the Property form's column pickers when its Source changes. */
export async function loader(args: LoaderFunctionArgs) {
  const sourceId = new URL(args.request.url).searchParams.get("sourceId") ?? "";
  const result = await callApi<{ columns: Column[] }>(args, `/sources/${encodeURIComponent(sourceId)}/columns`);
  if (!result.ok) return formFailure(args, result);
  return json({ columns: result.data.columns }, { headers: relayCookies(result) });
}
