import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/cloudflare";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { DeletePanel } from "../components/DeletePanel";
import { OptionList } from "../components/options/OptionList";
import { PluginIcon } from "../components/PluginIcon";
import { PropertyTable } from "../components/properties/PropertyTable";
import { ScheduleSection } from "../components/runs/ScheduleSection";
import { ColumnList } from "../components/sources/ColumnList";
import { IdentityText } from "../components/sources/IdentityText";
import { SavedPreview } from "../components/sources/SavedPreview";
import { SourceSettingsForm } from "../components/sources/SourceSettingsForm";
import { apiFailure, badIntent, callApi, formFailure, loadFromApi, relayCookies, type Caller } from "../lib/api.server";
import { findAppType } from "../lib/catalog";
import { loadPlugins } from "../lib/catalog.server";
import { describeFilters } from "../lib/describe-property";
import { errorOf } from "../lib/form-errors";
import type { App, Column, Preview, Property, Source } from "../lib/models";
import { optionsFromValues, optionValuesFromForm } from "../lib/option-values";
import { canWrite } from "../lib/permissions";
import { filledIn, placeholderField, placeholderKeys } from "../lib/placeholders";
import { filtersFromForm } from "../lib/filter-rows";
import { skipAfterResourceReads } from "../lib/revalidate";
import type { Run, Schedule } from "../lib/runs";
import type { FormFailure } from "../lib/types";
import { useSession } from "../lib/use-session";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.source.name ?? "Source"} · Groupflow` }];
export const shouldRevalidate = skipAfterResourceReads;

const sourcePath = (id: string | undefined) => `/sources/${encodeURIComponent(id ?? "")}`;

/** Reading the outside system can fail (a dropped table, an unreachable host); the page still shows, with the reason. */
async function live<T>(caller: Caller, path: string) {
  const result = await callApi<T>(caller, path);
  if (result.ok || result.status === 422 || result.status === 400) return result;
  throw apiFailure(caller, result);
}

export async function loader(args: LoaderFunctionArgs) {
  const path = sourcePath(args.params.id);
  const source = await loadFromApi<{ source: Source }>(args, path);
  const [plugins, app, properties, sources, schedules] = await Promise.all([
    loadPlugins(args),
    loadFromApi<{ app: App }>(args, `/apps/${encodeURIComponent(source.data.source.appId)}`),
    loadFromApi<{ properties: Property[] }>(args, "/properties"),
    loadFromApi<{ sources: Source[] }>(args, "/sources"),
    loadFromApi<{ schedules: Schedule[] }>(args, `/schedules?sourceId=${encodeURIComponent(source.data.source.id)}`),
  ]);
  const sourceType = findAppType(plugins.data.plugins, app.data.app.plugin, app.data.app.type)?.appType.sources.find((s) => s.type === source.data.source.type);
  const keys = sourceType ? placeholderKeys(sourceType.options, source.data.source.options) : [];
  const params = new URL(args.request.url).searchParams;
  const values = Object.fromEntries(keys.map((k) => [k, params.get(placeholderField(k)) ?? ""]));
  const valuesParam = keys.length ? `&values=${encodeURIComponent(JSON.stringify(filledIn(values)))}` : "";
  const [preview, columns] = await Promise.all([
    live<{ preview: Preview }>(args, `${path}/preview?limit=10${valuesParam}`),
    live<{ columns: Column[] }>(args, `${path}/columns`),
  ]);
  return json(
    {
      source: source.data.source,
      app: app.data.app,
      plugins: plugins.data.plugins,
      sources: sources.data.sources,
      properties: properties.data.properties.filter((p) => p.sourceId === source.data.source.id),
      schedules: schedules.data.schedules,
      placeholderKeys: keys,
      placeholderValues: values,
      preview: preview.ok ? { preview: preview.data.preview, error: null } : { preview: null, error: preview.error },
      columns: columns.ok ? { columns: columns.data.columns, error: null } : { columns: null, error: columns.error },
    },
    { headers: relayCookies(source, plugins, app, properties, sources, schedules, preview, columns) },
  );
}

export async function action(args: ActionFunctionArgs) {
  const form = await args.request.formData();
  const intent = String(form.get("intent"));
  const csrfToken = form.get("csrf");
  const path = sourcePath(args.params.id);
  if (intent === "delete") {
    const result = await callApi(args, path, { method: "DELETE", csrfToken });
    if (!result.ok) return formFailure(args, result, { intent });
    return redirect("/sources", { headers: relayCookies(result) });
  }
  if (intent === "save") {
    const source = await loadFromApi<{ source: Source }>(args, path);
    const [app, plugins] = await Promise.all([loadFromApi<{ app: App }>(args, `/apps/${encodeURIComponent(source.data.source.appId)}`), loadPlugins(args)]);
    const found = findAppType(plugins.data.plugins, app.data.app.plugin, app.data.app.type);
    const specs = found?.appType.sources.find((s) => s.type === source.data.source.type)?.options ?? [];
    const body = {
      name: String(form.get("name") ?? ""),
      role: String(form.get("role") ?? source.data.source.role),
      options: optionsFromValues(specs, optionValuesFromForm(form, specs)),
      filters: filtersFromForm(form),
    };
    const result = await callApi<{ source: Source }>(args, path, { method: "PATCH", body, csrfToken });
    if (!result.ok) return formFailure(args, result, { intent });
    return json({ intent, saved: true }, { headers: relayCookies(result) });
  }
  if (intent === "create-schedule") {
    const everyMinutes = String(form.get("everyMinutes") ?? "").trim();
    const body = {
      sourceId: args.params.id,
      name: String(form.get("name") ?? ""),
      // Left empty, the Schedule runs only by hand; a number out of range goes to the API, which says what is wrong.
      everyMinutes: everyMinutes === "" ? null : Number(everyMinutes),
      incrementalColumn: String(form.get("incrementalColumn") ?? "") || null,
      confirmRecords: form.get("confirmRecords") === "true",
      removeMissing: form.get("removeMissing") === "true",
    };
    const result = await callApi<{ schedule: Schedule }>(args, "/schedules", { method: "POST", body, csrfToken });
    if (!result.ok) return formFailure(args, result, { intent });
    return json({ intent, created: result.data.schedule.id }, { headers: relayCookies(result) });
  }
  const id = String(form.get("id") ?? "");
  if (intent === "run-schedule") {
    const result = await callApi<{ run: Run }>(args, `/schedules/${encodeURIComponent(id)}/runs`, { method: "POST", csrfToken });
    if (!result.ok) return formFailure(args, result, { intent, id });
    return json({ intent, started: result.data.run.id }, { headers: relayCookies(result) });
  }
  if (intent === "delete-schedule") {
    const result = await callApi(args, `/schedules/${encodeURIComponent(id)}`, { method: "DELETE", csrfToken });
    if (!result.ok) return formFailure(args, result, { intent, id });
    return json({ intent, deleted: id }, { headers: relayCookies(result) });
  }
  throw badIntent(intent);
}

export default function SourcePage() {
  const { source, app, plugins, sources, properties, schedules, placeholderKeys, placeholderValues, preview, columns } = useLoaderData<typeof loader>();
  const result = useActionData<FormFailure | { intent: "save"; saved: true } | { intent: "run-schedule"; started: string }>();
  const session = useSession();
  const found = findAppType(plugins, app.plugin, app.type);
  const sourceType = found?.appType.sources.find((s) => s.type === source.type);
  const writer = canWrite(session, "sources");
  return (
    <>
      <header className="page-header">
        <p className="breadcrumb">
          <Link to="/sources">Sources</Link>
        </p>
        <h1>{source.name}</h1>
        <p className="muted with-icon">
          <PluginIcon plugin={found?.plugin} />
          <span>
            {sourceType?.displayName ?? source.type} in <Link to={`/apps/${app.id}`}>{app.name}</Link> · <span className={`role ${source.role}`}>{source.role}</span> ·{" "}
            {source.identity ? "identity" : "runs for each Record with"} <IdentityText source={source} placeholders={placeholderKeys} />
            {source.filters.length ? ` · only rows where ${describeFilters(source.filters)}` : null}
          </span>
        </p>
      </header>
      <SavedPreview preview={preview.preview} error={preview.error} placeholderKeys={placeholderKeys} placeholderValues={placeholderValues} />
      <div className="two-columns">
        <section className="panel" aria-labelledby="columns-heading">
          <h2 id="columns-heading">Columns</h2>
          {columns.columns ? (
            <ColumnList columns={columns.columns} />
          ) : (
            <p className="form-error" role="alert">
              {columns.error?.message}
            </p>
          )}
        </section>
        <section className="panel" aria-labelledby="properties-heading">
          <div className="panel-header">
            <h2 id="properties-heading">Properties ({properties.length})</h2>
            {canWrite(session, "properties") ? (
              <Link to={`/properties/new?sourceId=${source.id}`} className="button">
                Add a Property
              </Link>
            ) : null}
          </div>
          {properties.length ? <PropertyTable properties={properties} sources={sources} showSource={false} /> : <p className="muted">No Property reads this Source yet.</p>}
        </section>
      </div>
      <ScheduleSection
        schedules={schedules}
        columns={columns.columns}
        confirmable={Boolean(source.identity?.propertyId) && source.role === "primary"}
        writer={canWrite(session, "runs")}
        result={result}
        startedRun={result && "started" in result ? result.started : null}
      />
      <section className="panel" aria-labelledby="settings-heading">
        <h2 id="settings-heading">Settings</h2>
        {result && "saved" in result ? (
          <p className="notice" role="status">
            Saved.
          </p>
        ) : null}
        {writer && sourceType ? (
          <SourceSettingsForm key={source.updatedAt} source={source} sourceType={sourceType} columns={columns.columns} error={errorOf(result, "save")} />
        ) : (
          <OptionList specs={sourceType?.options ?? []} options={source.options} />
        )}
      </section>
      {writer ? (
        <DeletePanel
          what="Source"
          name={source.name}
          consequence={`Properties read from it must be deleted or moved first.${source.identity ? " Its identity Property goes with it, unless another Source is identified by it." : ""}`}
          error={errorOf(result, "delete")}
        />
      ) : null}
    </>
  );
}
