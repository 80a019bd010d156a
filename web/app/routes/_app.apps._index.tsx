import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/cloudflare";
import { Link, useLoaderData } from "@remix-run/react";
import { AppTable } from "../components/apps/AppTable";
import { loadFromApi, relayCookies } from "../lib/api.server";
import { loadPlugins } from "../lib/catalog.server";
import type { App, Source } from "../lib/models";
import { canWrite } from "../lib/permissions";
import { useSession } from "../lib/use-session";

export const meta: MetaFunction = () => [{ title: "Apps · Groupflow" }];

export async function loader(args: LoaderFunctionArgs) {
  const answers = await Promise.all([loadPlugins(args), loadFromApi<{ apps: App[] }>(args, "/apps"), loadFromApi<{ sources: Source[] }>(args, "/sources")]);
  const [plugins, apps, sources] = answers;
  const sourceCounts: Record<string, number> = {};
  for (const source of sources.data.sources) sourceCounts[source.appId] = (sourceCounts[source.appId] ?? 0) + 1;
  return json({ plugins: plugins.data.plugins, apps: apps.data.apps, sourceCounts }, { headers: relayCookies(...answers) });
}

export default function Apps() {
  const { plugins, apps, sourceCounts } = useLoaderData<typeof loader>();
  const writer = canWrite(useSession(), "apps");
  return (
    <>
      <header className="page-header with-actions">
        <div>
          <h1>Apps</h1>
          <p className="muted">Connections to the systems that hold your customer data: databases, files and tools.</p>
        </div>
        {writer ? (
          <Link to="/apps/new" className="button primary">
            New App
          </Link>
        ) : null}
      </header>
      <section className="panel" aria-labelledby="apps-heading">
        <h2 id="apps-heading">Connected Apps ({apps.length})</h2>
        {apps.length ? (
          <AppTable apps={apps} plugins={plugins} sourceCounts={sourceCounts} />
        ) : (
          <p className="muted">No Apps yet.{writer ? " Connect one to start reading customer data." : ""}</p>
        )}
      </section>
    </>
  );
}
