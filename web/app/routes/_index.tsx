import { redirect, type LoaderFunctionArgs } from "@remix-run/cloudflare";
import { optionalSession } from "../lib/session.server";

export async function loader(args: LoaderFunctionArgs) {
  return redirect((await optionalSession(args)) ? "/home" : "/login");
}
