import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/cloudflare";
import { Link, useLoaderData } from "@remix-run/react";
import { PropertyTable } from "../components/properties/PropertyTable";
import { loadFromApi, relayCookies } from "../lib/api.server";
import type { Property, Source } from "../lib/models";
import { canWrite } from "../lib/permissions";
import { useSession } from "../lib/use-session";

export const meta: MetaFunction = () => [{ title: "Properties · Groupflow" }];

export async function loader(args: LoaderFunctionArgs) {
  const answers = await Promise.all([loadFromApi<{ properties: Property[] }>(args, "/properties"), loadFromApi<{ sources: Source[] }>(args, "/sources")]);
  const [properties, sources] = answers;
  return json({ properties: properties.data.properties, sources: sources.data.sources }, { headers: relayCookies(...answers) });
}

export default function Properties() {
  const { properties, sources } = useLoaderData<typeof loader>();
  const writer = canWrite(useSession(), "properties");
  return (
    <>
      <header className="page-header with-actions">
        <div>
          <h1>Properties</h1>
          <p className="muted">What Groupflow knows about each person, and which Source provides each value.</p>
        </div>
        {writer && sources.length ? (
          <Link to="/properties/new" className="button primary">
            New Property
          </Link>
        ) : null}
      </header>
      <section className="panel" aria-labelledby="properties-heading">
        <h2 id="properties-heading">All Properties ({properties.length})</h2>
        {properties.length ? (
          <PropertyTable properties={properties} sources={sources} />
        ) : (
          <p className="muted">
            No Properties yet.
            {writer ? sources.length ? " Define one to read a value from a Source." : <> Properties are read from Sources: <Link to="/sources/new">add a Source</Link> first.</> : ""}
          </p>
        )}
      </section>
    </>
  );
}
