import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/cloudflare";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { PickApp, PickType } from "../components/PickStep";
import { PluginIcon } from "../components/PluginIcon";
import { NewSourceForm } from "../components/sources/NewSourceForm";
import { callApi, formFailure, loadFromApi, relayCookies } from "../lib/api.server";
import { findAppType } from "../lib/catalog";
import { loadPlugins } from "../lib/catalog.server";
import type { App, Property, Source } from "../lib/models";
import { optionsFromValues, optionValuesFromForm } from "../lib/option-values";
import { canWrite } from "../lib/permissions";
import { filtersFromForm } from "../lib/filter-rows";
import { skipAfterResourceReads } from "../lib/revalidate";
import type { FormFailure } from "../lib/types";
import { useSession } from "../lib/use-session";

export const meta: MetaFunction = () => [{ title: "New Source · Groupflow" }];
export const shouldRevalidate = skipAfterResourceReads;

export async function loader(args: LoaderFunctionArgs) {
  const answers = await Promise.all([
    loadPlugins(args),
    loadFromApi<{ apps: App[] }>(args, "/apps"),
    loadFromApi<{ properties: Property[] }>(args, "/properties"),
  ]);
  const [plugins, apps, properties] = answers;
  const params = new URL(args.request.url).searchParams;
  const appId = params.get("appId");
  const app = apps.data.apps.find((a) => a.id === appId) ?? null;
  if (appId && !app) throw json({ error: { code: "not_found", message: "App not found", details: null } }, { status: 404 });
  return json(
    { plugins: plugins.data.plugins, apps: apps.data.apps, app, type: params.get("type"), propertyKeys: properties.data.properties.map((p) => p.key) },
    { headers: relayCookies(...answers) },
  );
}

export async function action(args: ActionFunctionArgs) {
  const form = await args.request.formData();
  const appId = String(form.get("appId") ?? "");
  const type = String(form.get("type") ?? "");
  const [plugins, app] = await Promise.all([loadPlugins(args), loadFromApi<{ app: App }>(args, `/apps/${encodeURIComponent(appId)}`)]);
  const found = findAppType(plugins.data.plugins, app.data.app.plugin, app.data.app.type);
  const specs = found?.appType.sources.find((s) => s.type === type)?.options ?? [];
  const field = (name: string) => String(form.get(name) ?? "");
  const identityColumn = field("identity.column");
  const body = {
    appId,
    type,
    name: field("name"),
    options: optionsFromValues(specs, optionValuesFromForm(form, specs)),
    role: field("role") || "primary",
    filters: filtersFromForm(form),
    // Without a column there is no identity to send; the API then says what is missing, for this type of Source.
    ...(identityColumn ? { identity: { column: identityColumn, propertyKey: field("identity.propertyKey"), propertyType: field("identity.propertyType") } } : {}),
  };
  const result = await callApi<{ source: Source }>(args, "/sources", { method: "POST", body, csrfToken: form.get("csrf") });
  if (!result.ok) return formFailure(args, result);
  return redirect(`/sources/${result.data.source.id}`, { headers: relayCookies(result) });
}

export default function NewSource() {
  const { plugins, apps, app, type, propertyKeys } = useLoaderData<typeof loader>();
  const failure = useActionData<FormFailure>();
  const session = useSession();
  const found = app ? findAppType(plugins, app.plugin, app.type) : null;
  const types = found?.appType.sources ?? [];
  const sourceType = types.find((t) => t.type === type) ?? (types.length === 1 ? types[0] : undefined);

  let body;
  if (!canWrite(session, "sources")) {
    body = <p className="notice">Your role can view Sources but not create them.</p>;
  } else if (!app) {
    body = apps.length ? (
      <PickApp apps={apps} plugins={plugins} question="Which App does it read from?" />
    ) : (
      <p className="notice">
        Sources read from an App. <Link to="/apps/new">Connect an App</Link> first.
      </p>
    );
  } else if (!sourceType) {
    body = types.length ? (
      <PickType app={app} plugin={found?.plugin} types={types} question="What does it read?" label="Source types" />
    ) : (
      <p className="notice">{found?.appType.displayName ?? "This"} Apps cannot be read from.</p>
    );
  } else {
    body = <NewSourceForm key={`${app.id}:${sourceType.type}`} app={app} sourceType={sourceType} propertyKeys={propertyKeys} error={failure?.error} />;
  }

  return (
    <>
      <header className="page-header">
        <p className="breadcrumb">
          <Link to="/sources">Sources</Link>
        </p>
        <h1>New Source</h1>
        {app ? (
          <p className="muted with-icon">
            <PluginIcon plugin={found?.plugin} />
            <span>
              Reads from <Link to={`/apps/${app.id}`}>{app.name}</Link>
              {sourceType ? ` · ${sourceType.displayName}` : null}
              {sourceType && types.length > 1 ? (
                <>
                  {" "}
                  (<Link to={`?appId=${app.id}`}>change</Link>)
                </>
              ) : null}
            </span>
          </p>
        ) : (
          <p className="muted">A Source is one readable collection in an App: a table, a query or a file.</p>
        )}
      </header>
      {body}
    </>
  );
}
