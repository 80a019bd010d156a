import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/cloudflare";
import { Link, useLoaderData } from "@remix-run/react";
import { ExportStateBar } from "../components/destinations/ExportStateBar";
import { loadFromApi, relayCookies } from "../lib/api.server";
import { SYNC_MODE_WORDS, type Destination } from "../lib/destinations";
import type { Group } from "../lib/groups";
import type { App } from "../lib/models";
import { canWrite } from "../lib/permissions";
import { useRefreshWhile } from "../lib/use-refresh-while";
import { useSession } from "../lib/use-session";

export const meta: MetaFunction = () => [{ title: "Destinations · Groupflow" }];

export async function loader(args: LoaderFunctionArgs) {
  const answers = await Promise.all([
    loadFromApi<{ destinations: Destination[] }>(args, "/destinations"),
    loadFromApi<{ apps: App[] }>(args, "/apps"),
    loadFromApi<{ groups: Group[] }>(args, "/groups"),
  ]);
  const [destinations, apps, groups] = answers;
  return json(
    {
      destinations: destinations.data.destinations,
      apps: Object.fromEntries(apps.data.apps.map((a) => [a.id, a.name])),
      groups: Object.fromEntries(groups.data.groups.map((g) => [g.id, g.name])),
    },
    { headers: relayCookies(...answers) },
  );
}

export default function Destinations() {
  const { destinations, apps, groups } = useLoaderData<typeof loader>();
  const writer = canWrite(useSession(), "destinations");
  // Counts move while Exports are waiting or being sent; the page follows them until they settle.
  useRefreshWhile(destinations.some((d) => (d.exports?.pending ?? 0) + (d.exports?.sending ?? 0) > 0));
  return (
    <>
      <header className="page-header with-actions">
        <div>
          <h1>Destinations</h1>
          <p className="muted">Where Records and their Groups are kept in sync: each change that matters there becomes one Export.</p>
        </div>
        {writer ? (
          <Link to="/destinations/new" className="button primary">
            New Destination
          </Link>
        ) : null}
      </header>
      <section className="panel" aria-labelledby="destinations-heading">
        <h2 id="destinations-heading">All Destinations ({destinations.length})</h2>
        {destinations.length ? (
          <table className="destinations">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Sends</th>
                <th scope="col">Mode</th>
                <th scope="col">Exports</th>
              </tr>
            </thead>
            <tbody>
              {destinations.map((d) => {
                const app = apps[d.appId];
                return (
                  <tr key={d.id}>
                    <td>
                      <Link to={`/destinations/${d.id}`} className="strong">
                        {d.name}
                      </Link>
                      <div className="muted">
                        {app ? <Link to={`/apps/${d.appId}`}>{app}</Link> : "App removed"} · {d.type}
                      </div>
                    </td>
                    <td>
                      {d.groupId ? <Link to={`/groups/${d.groupId}`}>{groups[d.groupId] ?? "a Group"}</Link> : "Every Record"}
                      {d.eventNames.length ? <div className="muted">and their events {d.eventNames.join(", ")}</div> : null}
                    </td>
                    <td>{d.sendRecords ? SYNC_MODE_WORDS[d.syncMode] : "events only"}</td>
                    <td>{d.exports ? <ExportStateBar counts={d.exports} /> : null}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        ) : (
          <p className="muted">
            No Destinations yet. {writer ? <Link to="/destinations/new">Create one</Link> : "An editor can create one"} to send Records to a tool of yours.
          </p>
        )}
      </section>
    </>
  );
}
