import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/cloudflare";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { PropertyForm } from "../components/properties/PropertyForm";
import { callApi, formFailure, loadFromApi, relayCookies } from "../lib/api.server";
import { sourceColumns } from "../lib/columns.server";
import type { App, Property, Source } from "../lib/models";
import { canWrite } from "../lib/permissions";
import { propertyFromForm } from "../lib/property-form";
import type { FormFailure } from "../lib/types";
import { useSession } from "../lib/use-session";

export const meta: MetaFunction = () => [{ title: "New Property · Groupflow" }];

export async function loader(args: LoaderFunctionArgs) {
  const sourceId = new URL(args.request.url).searchParams.get("sourceId") ?? "";
  const [sources, apps, columns] = await Promise.all([
    loadFromApi<{ sources: Source[] }>(args, "/sources"),
    loadFromApi<{ apps: App[] }>(args, "/apps"),
    sourceColumns(args, sourceId),
  ]);
  return json(
    { sources: sources.data.sources, apps: apps.data.apps, sourceId, columns: columns.columns, columnsError: columns.error },
    { headers: relayCookies(sources, apps, ...(columns.result ? [columns.result] : [])) },
  );
}

export async function action(args: ActionFunctionArgs) {
  const form = await args.request.formData();
  const result = await callApi<{ property: Property }>(args, "/properties", { method: "POST", body: propertyFromForm(form), csrfToken: form.get("csrf") });
  if (!result.ok) return formFailure(args, result);
  return redirect(`/properties/${result.data.property.id}`, { headers: relayCookies(result) });
}

export default function NewProperty() {
  const { sources, apps, sourceId, columns, columnsError } = useLoaderData<typeof loader>();
  const failure = useActionData<FormFailure>();
  const writer = canWrite(useSession(), "properties");
  return (
    <>
      <header className="page-header">
        <p className="breadcrumb">
          <Link to="/properties">Properties</Link>
        </p>
        <h1>New Property</h1>
        <p className="muted">A Property is one piece of what Groupflow knows about each person, read from one Source.</p>
      </header>
      {!writer ? (
        <p className="notice">Your role can view Properties but not define them.</p>
      ) : sources.length === 0 ? (
        <p className="notice">
          Properties are read from Sources. <Link to="/sources/new">Add a Source</Link> first.
        </p>
      ) : (
        <PropertyForm sources={sources} apps={apps} sourceId={sourceId} columns={columns} columnsError={columnsError} error={failure?.error} submitLabel="Create Property" />
      )}
    </>
  );
}
