import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/cloudflare";
import { Link, useLoaderData } from "@remix-run/react";
import { SourceTable } from "../components/sources/SourceTable";
import { loadFromApi, relayCookies } from "../lib/api.server";
import { loadPlugins } from "../lib/catalog.server";
import type { App, Source } from "../lib/models";
import { canWrite } from "../lib/permissions";
import { useSession } from "../lib/use-session";

export const meta: MetaFunction = () => [{ title: "Sources · Groupflow" }];

export async function loader(args: LoaderFunctionArgs) {
  const answers = await Promise.all([loadPlugins(args), loadFromApi<{ apps: App[] }>(args, "/apps"), loadFromApi<{ sources: Source[] }>(args, "/sources")]);
  const [plugins, apps, sources] = answers;
  return json({ plugins: plugins.data.plugins, apps: apps.data.apps, sources: sources.data.sources }, { headers: relayCookies(...answers) });
}

export default function Sources() {
  const { plugins, apps, sources } = useLoaderData<typeof loader>();
  const writer = canWrite(useSession(), "sources");
  return (
    <>
      <header className="page-header with-actions">
        <div>
          <h1>Sources</h1>
          <p className="muted">The tables, queries and files Groupflow reads customer data from, and how their rows find their Record.</p>
        </div>
        {writer ? (
          <Link to="/sources/new" className="button primary">
            New Source
          </Link>
        ) : null}
      </header>
      <section className="panel" aria-labelledby="sources-heading">
        <h2 id="sources-heading">All Sources ({sources.length})</h2>
        {sources.length ? (
          <SourceTable sources={sources} apps={apps} plugins={plugins} />
        ) : (
          <p className="muted">
            No Sources yet.
            {writer ? (apps.length ? " Add one to read from an App." : <> <Link to="/apps/new">Connect an App</Link> first.</>) : ""}
          </p>
        )}
      </section>
    </>
  );
}
