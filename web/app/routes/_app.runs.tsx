import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/cloudflare";
import { useActionData, useLoaderData } from "@remix-run/react";
import { RunChart } from "../components/runs/RunChart";
import { RunTable } from "../components/runs/RunTable";
import { badIntent, callApi, formFailure, loadFromApi, relayCookies } from "../lib/api.server";
import type { Source } from "../lib/models";
import { canWrite } from "../lib/permissions";
import { isUnfinished, type Run, type Schedule } from "../lib/runs";
import type { Group } from "../lib/groups";
import type { FormFailure } from "../lib/types";
import { useRefreshWhile } from "../lib/use-refresh-while";
import { useSession } from "../lib/use-session";

export const meta: MetaFunction = () => [{ title: "Runs · Groupflow" }];


export async function loader(args: LoaderFunctionArgs) {
  const answers = await Promise.all([
    loadFromApi<{ runs: Run[] }>(args, "/runs?limit=50"),
    loadFromApi<{ schedules: Schedule[] }>(args, "/schedules"),
    loadFromApi<{ sources: Source[] }>(args, "/sources"),
    loadFromApi<{ groups: Group[] }>(args, "/groups"),
  ]);
  const [runs, schedules, sources, groups] = answers;
  return json(
    { runs: runs.data.runs, schedules: schedules.data.schedules, sources: sources.data.sources, groups: groups.data.groups },
    { headers: relayCookies(...answers) },
  );
}

export async function action(args: ActionFunctionArgs) {
  const form = await args.request.formData();
  const intent = String(form.get("intent"));
  const id = String(form.get("id") ?? "");
  if (intent !== "stop") throw badIntent(intent);
  const result = await callApi<{ run: Run }>(args, `/runs/${encodeURIComponent(id)}/stop`, { method: "POST", csrfToken: form.get("csrf") });
  if (!result.ok) return formFailure(args, result, { intent, id });
  return json({ intent, stopped: id }, { headers: relayCookies(result) });
}

export default function Runs() {
  const { runs, schedules, sources, groups } = useLoaderData<typeof loader>();
  const result = useActionData<FormFailure>();
  const writer = canWrite(useSession(), "runs");
  const going = runs.some(isUnfinished);

  useRefreshWhile(going);

  return (
    <>
      <header className="page-header">
        <h1>Runs</h1>
        <p className="muted">
          Each Run reads a Source into Records, started by its Schedule or by hand.{going ? " This page refreshes itself while a Run is going." : ""}
        </p>
      </header>
      <section className="panel" aria-labelledby="runs-heading">
        <h2 id="runs-heading">Recent Runs ({runs.length})</h2>
        {runs.length ? (
          <>
            <RunChart runs={runs} />
            <RunTable runs={runs} schedules={schedules} sources={sources} groups={groups} writer={writer} result={result} />
          </>
        ) : (
          <p className="muted">No Runs yet. Add a Schedule on a Source's page and run it.</p>
        )}
      </section>
    </>
  );
}
