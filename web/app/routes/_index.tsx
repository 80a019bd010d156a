import { redirect, type LoaderFunctionArgs } from "@remix-run/cloudflare";
import { relayCookies } from "../lib/api.server";
import { optionalSession } from "../lib/session.server";

export async function loader(args: LoaderFunctionArgs) {
  const session = await optionalSession(args);
  return redirect(session.ok ? "/home" : "/login", { headers: relayCookies(session) });
}
