import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/cloudflare";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { AppForm } from "../components/apps/AppForm";
import { ChoiceCards } from "../components/ChoiceCards";
import { PluginIcon } from "../components/PluginIcon";
import { callApi, formFailure, relayCookies } from "../lib/api.server";
import { findAppType } from "../lib/catalog";
import { loadPlugins } from "../lib/catalog.server";
import type { App } from "../lib/models";
import { optionsFromValues, optionValuesFromForm } from "../lib/option-values";
import { canWrite } from "../lib/permissions";
import { skipAfterResourceReads } from "../lib/revalidate";
import type { FormFailure } from "../lib/types";
import { useSession } from "../lib/use-session";

export const meta: MetaFunction = () => [{ title: "New App · Groupflow" }];
export const shouldRevalidate = skipAfterResourceReads;

function chosenType(request: Request) {
  const params = new URL(request.url).searchParams;
  return { plugin: params.get("plugin") ?? "", type: params.get("type") ?? "" };
}

export async function loader(args: LoaderFunctionArgs) {
  const plugins = await loadPlugins(args);
  return json({ plugins: plugins.data.plugins, ...chosenType(args.request) }, { headers: relayCookies(plugins) });
}

export async function action(args: ActionFunctionArgs) {
  const form = await args.request.formData();
  const { plugin, type } = chosenType(args.request);
  const plugins = await loadPlugins(args);
  const specs = findAppType(plugins.data.plugins, plugin, type)?.appType.options ?? [];
  const csrfToken = form.get("csrf");
  const body = { name: String(form.get("name") ?? ""), plugin, type, options: optionsFromValues(specs, optionValuesFromForm(form, specs)) };
  const created = await callApi<{ app: App }>(args, "/apps", { method: "POST", body, csrfToken });
  if (!created.ok) return formFailure(args, created);
  // Tested once on saving, so the App's page and the list say straight away whether it connects.
  const tested = await callApi(args, `/apps/${created.data.app.id}/test`, { method: "POST", csrfToken });
  return redirect(`/apps/${created.data.app.id}`, { headers: relayCookies(created, tested) });
}

export default function NewApp() {
  const { plugins, plugin, type } = useLoaderData<typeof loader>();
  const failure = useActionData<FormFailure>();
  const writer = canWrite(useSession(), "apps");
  const found = findAppType(plugins, plugin, type);
  return (
    <>
      <header className="page-header">
        <p className="breadcrumb">
          <Link to="/apps">Apps</Link>
        </p>
        <h1>New App</h1>
        {found ? (
          <p className="muted with-icon">
            <PluginIcon plugin={found.plugin} />
            <span>
              {found.appType.displayName}: {found.appType.description} (<Link to="/apps/new">change</Link>)
            </span>
          </p>
        ) : (
          <p className="muted">An App is a connection to a system that holds customer data. What do you want to connect?</p>
        )}
      </header>
      {!writer ? (
        <p className="notice">Your role can view Apps but not connect new ones.</p>
      ) : found ? (
        <section className="panel" aria-labelledby="connection-heading">
          <h2 id="connection-heading">Connection</h2>
          <AppForm key={`${plugin}:${type}`} plugin={plugin} appType={found.appType} error={failure?.error} submitLabel="Save App" />
        </section>
      ) : (
        <ChoiceCards
          label="App types"
          cards={plugins.flatMap((p) =>
            p.apps.map((a) => ({ to: `?plugin=${p.name}&type=${a.type}`, plugin: p, title: a.displayName, text: a.description })),
          )}
        />
      )}
    </>
  );
}
