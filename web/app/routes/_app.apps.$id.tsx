import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/cloudflare";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { AppForm } from "../components/apps/AppForm";
import { TestResult } from "../components/apps/TestResult";
import { LastTest } from "../components/apps/TestStatus";
import { CsrfField } from "../components/CsrfField";
import { DeletePanel } from "../components/DeletePanel";
import { FormError } from "../components/FormError";
import { OptionList } from "../components/options/OptionList";
import { PluginIcon } from "../components/PluginIcon";
import { SourceTable } from "../components/sources/SourceTable";
import { badIntent, callApi, formFailure, loadFromApi, relayCookies } from "../lib/api.server";
import { findAppType } from "../lib/catalog";
import { loadPlugins } from "../lib/catalog.server";
import { errorOf } from "../lib/form-errors";
import type { App, ConnectionTest, Source } from "../lib/models";
import { optionsFromValues, optionValuesFromForm } from "../lib/option-values";
import { canWrite } from "../lib/permissions";
import { skipAfterResourceReads } from "../lib/revalidate";
import type { FormFailure } from "../lib/types";
import { useSession } from "../lib/use-session";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.app.name ?? "App"} · Groupflow` }];
export const shouldRevalidate = skipAfterResourceReads;

type ActionData = FormFailure | { intent: "test"; test: ConnectionTest } | { intent: "save"; saved: true };

const appPath = (id: string | undefined) => `/apps/${encodeURIComponent(id ?? "")}`;

export async function loader(args: LoaderFunctionArgs) {
  const answers = await Promise.all([
    loadFromApi<{ app: App }>(args, appPath(args.params.id)),
    loadPlugins(args),
    loadFromApi<{ sources: Source[] }>(args, "/sources"),
  ]);
  const [app, plugins, sources] = answers;
  return json(
    { app: app.data.app, plugins: plugins.data.plugins, sources: sources.data.sources.filter((s) => s.appId === app.data.app.id) },
    { headers: relayCookies(...answers) },
  );
}

export async function action(args: ActionFunctionArgs) {
  const form = await args.request.formData();
  const intent = String(form.get("intent"));
  const csrfToken = form.get("csrf");
  const path = appPath(args.params.id);
  if (intent === "test") {
    const result = await callApi<{ test: ConnectionTest }>(args, `${path}/test`, { method: "POST", csrfToken });
    if (!result.ok) return formFailure(args, result, { intent });
    return json({ intent, test: result.data.test }, { headers: relayCookies(result) });
  }
  if (intent === "delete") {
    const result = await callApi(args, path, { method: "DELETE", csrfToken });
    if (!result.ok) return formFailure(args, result, { intent });
    return redirect("/apps", { headers: relayCookies(result) });
  }
  if (intent === "save") {
    const [app, plugins] = await Promise.all([loadFromApi<{ app: App }>(args, path), loadPlugins(args)]);
    const specs = findAppType(plugins.data.plugins, app.data.app.plugin, app.data.app.type)?.appType.options ?? [];
    const body = { name: String(form.get("name") ?? ""), options: optionsFromValues(specs, optionValuesFromForm(form, specs)) };
    const result = await callApi<{ app: App }>(args, path, { method: "PATCH", body, csrfToken });
    if (!result.ok) return formFailure(args, result, { intent });
    return json({ intent, saved: true }, { headers: relayCookies(result) });
  }
  throw badIntent(intent);
}

export default function AppPage() {
  const { app, plugins, sources } = useLoaderData<typeof loader>();
  const result = useActionData<ActionData>();
  const session = useSession();
  const navigation = useNavigation();
  const testing = navigation.formData?.get("intent") === "test";
  const found = findAppType(plugins, app.plugin, app.type);
  const writer = canWrite(session, "apps");
  const tested = result && "test" in result ? result.test : null;
  const saved = result && "saved" in result;
  return (
    <>
      <header className="page-header with-actions">
        <div>
          <p className="breadcrumb">
            <Link to="/apps">Apps</Link>
          </p>
          <h1 className="with-icon">
            <PluginIcon plugin={found?.plugin} large />
            {app.name}
          </h1>
          <p className="muted">{found ? `${found.appType.displayName}: ${found.appType.description}` : `${app.plugin} ${app.type}`}</p>
        </div>
        {writer ? (
          <Form method="post">
            <CsrfField />
            <input type="hidden" name="intent" value="test" />
            <button type="submit" disabled={testing}>
              {testing ? "Testing…" : "Test connection"}
            </button>
          </Form>
        ) : null}
      </header>
      <section className="panel" aria-labelledby="status-heading">
        <h2 id="status-heading">Connection status</h2>
        <FormError error={errorOf(result, "test")} />
        {tested ? <TestResult test={tested} /> : <LastTest lastTest={app.lastTest} />}
      </section>
      <section className="panel" aria-labelledby="sources-heading">
        <div className="panel-header">
          <h2 id="sources-heading">Sources ({sources.length})</h2>
          {canWrite(session, "sources") && found?.appType.sources.length ? (
            <Link to={`/sources/new?appId=${app.id}`} className="button">
              New Source
            </Link>
          ) : null}
        </div>
        {sources.length ? (
          <SourceTable sources={sources} apps={[app]} plugins={plugins} showApp={false} />
        ) : (
          <p className="muted">Nothing reads from this App yet.</p>
        )}
      </section>
      <section className="panel" aria-labelledby="settings-heading">
        <h2 id="settings-heading">Settings</h2>
        {saved ? (
          <p className="notice" role="status">
            Saved. Test the connection to check the new settings.
          </p>
        ) : null}
        {writer && found ? (
          <AppForm key={app.updatedAt} plugin={app.plugin} appType={found.appType} saved={app} error={errorOf(result, "save")} submitLabel="Save changes" />
        ) : (
          <OptionList specs={found?.appType.options ?? []} options={app.options} />
        )}
      </section>
      {writer ? (
        <DeletePanel what="App" name={app.name} consequence="Its Sources must be deleted first. Its stored secrets are deleted with it." error={errorOf(result, "delete")} />
      ) : null}
    </>
  );
}
