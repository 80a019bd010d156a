import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/cloudflare";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { PickApp, PickType } from "../components/PickStep";
import { DestinationForm } from "../components/destinations/DestinationForm";
import { PluginIcon } from "../components/PluginIcon";
import { callApi, formFailure, loadFromApi, relayCookies } from "../lib/api.server";
import { findAppType, findDestinationType } from "../lib/catalog";
import { loadPlugins } from "../lib/catalog.server";
import { destinationFromForm } from "../lib/destination-form.server";
import type { Destination } from "../lib/destinations";
import type { Group } from "../lib/groups";
import type { App } from "../lib/models";
import { canWrite } from "../lib/permissions";
import { skipAfterResourceReads } from "../lib/revalidate";
import type { FormFailure } from "../lib/types";
import { useSession } from "../lib/use-session";

export const meta: MetaFunction = () => [{ title: "New Destination · Groupflow" }];
// Listing a Destination's fields posts to a resource route, which changes nothing this page loaded.
export const shouldRevalidate = skipAfterResourceReads;

export async function loader(args: LoaderFunctionArgs) {
  const answers = await Promise.all([loadPlugins(args), loadFromApi<{ apps: App[] }>(args, "/apps"), loadFromApi<{ groups: Group[] }>(args, "/groups")]);
  const [plugins, apps, groups] = answers;
  const params = new URL(args.request.url).searchParams;
  const appId = params.get("appId");
  // Only Apps that can be written to are offered.
  const writable = apps.data.apps.filter((a) => (findAppType(plugins.data.plugins, a.plugin, a.type)?.appType.destinations.length ?? 0) > 0);
  const app = writable.find((a) => a.id === appId) ?? null;
  if (appId && !app) throw json({ error: { code: "not_found", message: "No App that can be written to has that id", details: null } }, { status: 404 });
  return json(
    {
      plugins: plugins.data.plugins,
      apps: writable,
      app,
      type: params.get("type"),
      groups: groups.data.groups.map((g) => ({ id: g.id, name: g.name })),
    },
    { headers: relayCookies(...answers) },
  );
}

export async function action(args: ActionFunctionArgs) {
  const form = await args.request.formData();
  const appId = String(form.get("appId") ?? "");
  const type = String(form.get("type") ?? "");
  const [plugins, app] = await Promise.all([loadPlugins(args), loadFromApi<{ app: App }>(args, `/apps/${encodeURIComponent(appId)}`)]);
  const destinationType = findDestinationType(plugins.data.plugins, app.data.app, type);
  const body = { appId, type, ...destinationFromForm(form, destinationType ?? { type, displayName: type, description: "", options: [], forwardsEvents: false }) };
  const result = await callApi<{ destination: Destination }>(args, "/destinations", { method: "POST", body, csrfToken: form.get("csrf") });
  if (!result.ok) return formFailure(args, result);
  return redirect(`/destinations/${result.data.destination.id}`, { headers: relayCookies(result) });
}

export default function NewDestination() {
  const { plugins, apps, app, type, groups } = useLoaderData<typeof loader>();
  const failure = useActionData<FormFailure>();
  const session = useSession();
  const found = app ? findAppType(plugins, app.plugin, app.type) : null;
  const types = found?.appType.destinations ?? [];
  const destinationType = types.find((t) => t.type === type) ?? (types.length === 1 ? types[0] : undefined);

  let body;
  if (!canWrite(session, "destinations")) {
    body = <p className="notice">Your role can view Destinations but not create them.</p>;
  } else if (!app) {
    body = apps.length ? (
      <PickApp apps={apps} plugins={plugins} question="Which App does it write to?" />
    ) : (
      <p className="notice">
        Destinations write to an App. <Link to="/apps/new">Connect an App</Link> that can be written to first: a webhook, Mailchimp, HubSpot, a database or the Inspector.
      </p>
    );
  } else if (!destinationType) {
    body = <PickType app={app} plugin={found?.plugin} types={types} question="What does it write?" label="Destination types" />;
  } else {
    body = (
      <DestinationForm key={`${app.id}:${destinationType.type}`} app={app} destinationType={destinationType} groups={groups} error={failure?.error}>
        <input type="hidden" name="appId" value={app.id} />
        <input type="hidden" name="type" value={destinationType.type} />
      </DestinationForm>
    );
  }

  return (
    <>
      <header className="page-header">
        <p className="breadcrumb">
          <Link to="/destinations">Destinations</Link>
        </p>
        <h1>New Destination</h1>
        {app ? (
          <p className="muted with-icon">
            <PluginIcon plugin={found?.plugin} />
            <span>
              Writes to <Link to={`/apps/${app.id}`}>{app.name}</Link>
              {destinationType ? ` · ${destinationType.displayName}` : null}
            </span>
          </p>
        ) : (
          <p className="muted">A Destination keeps an outside tool in step with a collection of Records: every Record, or a Group's members.</p>
        )}
      </header>
      {body}
    </>
  );
}
