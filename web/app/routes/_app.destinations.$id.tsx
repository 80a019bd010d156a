import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/cloudflare";
import { Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { CsrfField } from "../components/CsrfField";
import { DeletePanel } from "../components/DeletePanel";
import { FormError } from "../components/FormError";
import { DestinationFacts } from "../components/destinations/DestinationFacts";
import { DryRunPanel } from "../components/destinations/DryRunPanel";
import { ExportStateBar } from "../components/destinations/ExportStateBar";
import { ExportTable } from "../components/destinations/ExportTable";
import { ExportTimelineChart } from "../components/destinations/ExportTimelineChart";
import { HoldingsTable } from "../components/destinations/HoldingsTable";
import { SyncStatus } from "../components/destinations/SyncStatus";
import { badIntent, callApi, formFailure, loadFromApi, relayCookies } from "../lib/api.server";
import { EXPORT_STATES, TIMELINE_RANGES, type Destination, type Export, type ExportTimeline, type Holding } from "../lib/destinations";
import { errorOf } from "../lib/form-errors";
import type { Group } from "../lib/groups";
import type { App } from "../lib/models";
import { isUnfinished } from "../lib/runs";
import { canWrite } from "../lib/permissions";
import { skipAfterResourceReads } from "../lib/revalidate";
import type { FormFailure } from "../lib/types";
import { useRefreshWhile } from "../lib/use-refresh-while";
import { useSession } from "../lib/use-session";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.destination.name ?? "Destination"} · Groupflow` }];
// The dry run posts to a resource route and changes nothing this page shows.
export const shouldRevalidate = skipAfterResourceReads;

const PAGE_SIZE = 20;
const HELD_SHOWN = 10;

type ActionData = FormFailure | { intent: "retry"; retried: number; leftFailed: number };

const destinationPath = (id: string | undefined) => `/destinations/${encodeURIComponent(id ?? "")}`;

export async function loader(args: LoaderFunctionArgs) {
  const path = destinationPath(args.params.id);
  const params = new URL(args.request.url).searchParams;
  const range = TIMELINE_RANGES.find((r) => r === params.get("range")) ?? "24h";
  const state = EXPORT_STATES.find((s) => s === params.get("state"));
  const recordId = params.get("recordId")?.trim();
  const cursor = params.get("cursor");
  const exportQuery = new URLSearchParams({
    destinationId: args.params.id ?? "",
    limit: String(PAGE_SIZE),
    ...(state ? { state } : {}),
    ...(recordId ? { recordId } : {}),
    ...(cursor ? { cursor } : {}),
  });
  const answers = await Promise.all([
    loadFromApi<{ destination: Destination }>(args, path),
    loadFromApi<{ timeline: ExportTimeline }>(args, `${path}/exports/timeline?range=${range}`),
    loadFromApi<{ exports: Export[]; nextCursor: string | null }>(args, `/exports?${exportQuery}`),
    loadFromApi<{ records: Holding[] }>(args, `${path}/records?limit=${HELD_SHOWN}`),
    loadFromApi<{ apps: App[] }>(args, "/apps"),
    loadFromApi<{ groups: Group[] }>(args, "/groups"),
  ]);
  const [destination, timeline, exports, holdings, apps, groups] = answers;
  return json(
    {
      destination: destination.data.destination,
      timeline: timeline.data.timeline,
      exports: exports.data.exports,
      nextCursor: exports.data.nextCursor,
      holdings: holdings.data.records,
      app: apps.data.apps.find((a) => a.id === destination.data.destination.appId) ?? null,
      groups: Object.fromEntries(groups.data.groups.map((g) => [g.id, g.name])),
      filter: { state: state ?? "", recordId: recordId ?? "" },
    },
    { headers: relayCookies(...answers) },
  );
}

export async function action(args: ActionFunctionArgs) {
  const form = await args.request.formData();
  const intent = String(form.get("intent") ?? "");
  const csrfToken = form.get("csrf");
  const path = destinationPath(args.params.id);
  if (intent === "retry") {
    const exportId = String(form.get("exportId") ?? "");
    const recordId = String(form.get("recordId") ?? "").trim();
    const body = { ...(exportId ? { exportId } : {}), ...(recordId ? { recordId } : {}) };
    const result = await callApi<{ retried: number; leftFailed: number }>(args, `${path}/exports/retry`, { method: "POST", body, csrfToken });
    if (!result.ok) return formFailure(args, result, { intent });
    return json({ intent, ...result.data }, { headers: relayCookies(result) });
  }
  if (intent === "delete") {
    const result = await callApi(args, path, { method: "DELETE", csrfToken });
    if (!result.ok) return formFailure(args, result, { intent });
    return redirect("/destinations", { headers: relayCookies(result) });
  }
  throw badIntent(intent);
}

function RetryOutcome({ result }: { result: ActionData | undefined }) {
  if (!result || !("retried" in result)) return null;
  return (
    <p role="status" className="notice">
      {result.retried ? `${result.retried} failed Export${result.retried === 1 ? "" : "s"} will be sent again now.` : "No failed Exports were retried."}
      {result.leftFailed ? ` ${result.leftFailed} stay failed: a newer change for their Record is already on its way.` : ""}
    </p>
  );
}

export default function DestinationPage() {
  const { destination, timeline, exports, nextCursor, holdings, app, groups, filter } = useLoaderData<typeof loader>();
  const result = useActionData<ActionData>();
  const session = useSession();
  const writer = canWrite(session, "destinations");
  const retrier = canWrite(session, "exports");
  const busy = useNavigation().state === "submitting";
  const [params] = useSearchParams();
  const counts = destination.exports;
  const syncing = destination.latestSync ? isUnfinished(destination.latestSync) : false;
  useRefreshWhile(syncing || (counts?.pending ?? 0) + (counts?.sending ?? 0) > 0);

  const linkWith = (changes: Record<string, string | null>) => {
    const next = new URLSearchParams(params);
    for (const [key, value] of Object.entries(changes)) {
      if (value === null) next.delete(key);
      else next.set(key, value);
    }
    return `?${next}`;
  };
  const failed = counts?.failed ?? 0;

  return (
    <>
      <header className="page-header with-actions">
        <div>
          <p className="breadcrumb">
            <Link to="/destinations">Destinations</Link>
          </p>
          <h1>{destination.name}</h1>
          <p className="muted">
            Sends {destination.groupId ? <Link to={`/groups/${destination.groupId}`}>{groups[destination.groupId] ?? "a Group"}</Link> : "every Record"} to{" "}
            {app ? <Link to={`/apps/${app.id}`}>{app.name}</Link> : "an App that was removed"} · {destination.type}
          </p>
        </div>
        {writer ? (
          <Link to={`/destinations/${destination.id}/edit`} className="button">
            Edit
          </Link>
        ) : null}
      </header>

      <section className="panel" aria-labelledby="exports-heading">
        <div className="panel-header">
          <h2 id="exports-heading">Exports</h2>
          {retrier && failed > 0 ? (
            <Form method="post" preventScrollReset>
              <CsrfField />
              <button type="submit" name="intent" value="retry" disabled={busy}>
                Retry all {failed.toLocaleString("en-US")} failed
              </button>
            </Form>
          ) : null}
        </div>
        <SyncStatus run={destination.latestSync ?? null} />
        <RetryOutcome result={result} />
        <FormError error={errorOf(result, "retry")} />
        {counts ? <ExportStateBar counts={counts} /> : null}
        <ExportTimelineChart timeline={timeline} rangeLink={(range) => linkWith({ range })} />
      </section>

      <section className="panel" aria-labelledby="export-list-heading">
        <h2 id="export-list-heading">Latest Exports</h2>
        <Form method="get" className="row-form" preventScrollReset>
          {params.get("range") ? <input type="hidden" name="range" value={params.get("range")!} /> : null}
          <div className="field">
            <label htmlFor="export-state">State</label>
            <select id="export-state" name="state" defaultValue={filter.state}>
              <option value="">Any state</option>
              {EXPORT_STATES.map((s) => (
                <option key={s}>{s}</option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor="export-record">Record id</label>
            <input id="export-record" name="recordId" defaultValue={filter.recordId} placeholder="rec_…" />
          </div>
          <button type="submit">Show</button>
          {filter.state || filter.recordId ? <Link to={linkWith({ state: null, recordId: null, cursor: null })}>Show all</Link> : null}
        </Form>
        {retrier && filter.recordId ? (
          <Form method="post" preventScrollReset className="inline">
            <CsrfField />
            <input type="hidden" name="recordId" value={filter.recordId} />
            <button type="submit" name="intent" value="retry" disabled={busy}>
              Retry this Record's failed Exports
            </button>
          </Form>
        ) : null}
        {exports.length ? (
          <ExportTable exports={exports} canRetry={retrier} busy={busy} />
        ) : (
          <p className="muted">{filter.state || filter.recordId ? "No Exports match." : "No Exports yet: they appear as soon as a Record has something to send."}</p>
        )}
        {nextCursor ? (
          <p>
            <Link to={linkWith({ cursor: nextCursor })} className="button">
              Older Exports
            </Link>
          </p>
        ) : null}
      </section>

      <section className="panel" aria-labelledby="holdings-heading">
        <h2 id="holdings-heading">What it holds</h2>
        <p className="muted">Each Record as last sent successfully{holdings.length >= HELD_SHOWN ? `, the ${HELD_SHOWN} sent most recently` : ""}.</p>
        {holdings.length ? <HoldingsTable holdings={holdings} fields={destination.mapping.map((m) => m.remote)} /> : <p className="muted">Nothing sent yet.</p>}
      </section>

      <DryRunPanel destinationId={destination.id} />
      <DestinationFacts destination={destination} groups={groups} />

      {writer ? (
        <DeletePanel
          what="Destination"
          name={destination.name}
          consequence="Nothing more is sent to it, and its Exports and what it was sent are forgotten here. What it already received stays there."
          error={errorOf(result, "delete")}
        />
      ) : null}
    </>
  );
}
