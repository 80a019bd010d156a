import { json, redirect, type LoaderFunctionArgs } from "@remix-run/cloudflare";
import { Outlet, useLoaderData } from "@remix-run/react";
import { AppNav } from "../components/AppNav";
import { relayCookies } from "../lib/api.server";
import { skipAfterResourceReads } from "../lib/revalidate";
import { requireSession } from "../lib/session.server";

/** Pages that make sense before the person belongs to any workspace. */
const WITHOUT_WORKSPACE = new Set(["/workspaces/new"]);

export const shouldRevalidate = skipAfterResourceReads;

export async function loader(args: LoaderFunctionArgs) {
  const result = await requireSession(args);
  const session = result.data;
  const headers = relayCookies(result);
  if (!session.workspace && !WITHOUT_WORKSPACE.has(new URL(args.request.url).pathname)) throw redirect("/workspaces/new", { headers });
  return json({ session }, { headers });
}

export default function AppLayout() {
  const { session } = useLoaderData<typeof loader>();
  return (
    <div className="shell">
      <AppNav session={session} />
      <main className="content" id="content">
        <Outlet />
      </main>
    </div>
  );
}
