import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/cloudflare";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { DestinationForm } from "../components/destinations/DestinationForm";
import { callApi, formFailure, loadFromApi, relayCookies } from "../lib/api.server";
import { findDestinationType } from "../lib/catalog";
import { loadPlugins } from "../lib/catalog.server";
import { destinationFromForm } from "../lib/destination-form.server";
import type { Destination } from "../lib/destinations";
import type { Group } from "../lib/groups";
import type { App } from "../lib/models";
import { canWrite } from "../lib/permissions";
import { skipAfterResourceReads } from "../lib/revalidate";
import type { FormFailure } from "../lib/types";
import { useSession } from "../lib/use-session";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `Edit ${data?.destination.name ?? "Destination"} · Groupflow` }];
export const shouldRevalidate = skipAfterResourceReads;

const destinationPath = (id: string | undefined) => `/destinations/${encodeURIComponent(id ?? "")}`;

async function loadDefinition(args: LoaderFunctionArgs) {
  const destination = await loadFromApi<{ destination: Destination }>(args, destinationPath(args.params.id));
  const [plugins, app, groups] = await Promise.all([
    loadPlugins(args),
    loadFromApi<{ app: App }>(args, `/apps/${encodeURIComponent(destination.data.destination.appId)}`),
    loadFromApi<{ groups: Group[] }>(args, "/groups"),
  ]);
  const destinationType = findDestinationType(plugins.data.plugins, app.data.app, destination.data.destination.type);
  if (!destinationType) throw json({ error: { code: "not_found", message: `The ${destination.data.destination.type} Destination type is no longer installed`, details: null } }, { status: 404 });
  return { answers: [destination, plugins, app, groups], destination: destination.data.destination, app: app.data.app, destinationType, groups: groups.data.groups };
}

export async function loader(args: LoaderFunctionArgs) {
  const { answers, destination, app, destinationType, groups } = await loadDefinition(args);
  return json({ destination, app, destinationType, groups: groups.map((g) => ({ id: g.id, name: g.name })) }, { headers: relayCookies(...answers) });
}

export async function action(args: ActionFunctionArgs) {
  const form = await args.request.formData();
  const { destinationType } = await loadDefinition(args);
  const path = destinationPath(args.params.id);
  const result = await callApi<{ destination: Destination }>(args, path, { method: "PATCH", body: destinationFromForm(form, destinationType), csrfToken: form.get("csrf") });
  if (!result.ok) return formFailure(args, result);
  return redirect(path, { headers: relayCookies(result) });
}

export default function EditDestination() {
  const { destination, app, destinationType, groups } = useLoaderData<typeof loader>();
  const failure = useActionData<FormFailure>();
  const writer = canWrite(useSession(), "destinations");
  return (
    <>
      <header className="page-header">
        <p className="breadcrumb">
          <Link to={`/destinations/${destination.id}`}>{destination.name}</Link>
        </p>
        <h1>Edit {destination.name}</h1>
        <p className="muted">
          Writes to <Link to={`/apps/${app.id}`}>{app.name}</Link> · {destinationType.displayName}
        </p>
      </header>
      {writer ? (
        <DestinationForm app={app} destinationType={destinationType} groups={groups} saved={destination} error={failure?.error} />
      ) : (
        <p className="notice">Your role can view Destinations but not change them.</p>
      )}
    </>
  );
}
