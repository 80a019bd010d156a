import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/cloudflare";
import { useLoaderData } from "@remix-run/react";
import { GettingStarted, type Progress } from "../components/GettingStarted";
import { RecentActivity } from "../components/RecentActivity";
import { apiFailure, callApi, loadFromApi, relayCookies, type Caller } from "../lib/api.server";
import type { App, Property, Source } from "../lib/models";
import type { ApiKey, AuditEntry, Member, WorkspaceSummary } from "../lib/types";
import { useSession } from "../lib/use-session";

export const meta: MetaFunction = () => [{ title: "Home · Groupflow" }];

/** Settings are for owners and admins; for everyone else the API's 403 just means "not shown". */
async function ifAllowed<T>(caller: Caller, path: string) {
  const result = await callApi<T>(caller, path);
  if (result.ok || result.status === 403) return result;
  throw apiFailure(caller, result);
}

/** Identity Properties come with their Sources, so only the others count as Properties someone defined. */
function progressOf(apps: App[], sources: Source[], properties: Property[]): Progress {
  const identities = new Set(sources.map((s) => s.identity?.propertyId));
  return { apps: apps.length, sources: sources.length, properties: properties.filter((p) => !identities.has(p.id)).length };
}

export async function loader(args: LoaderFunctionArgs) {
  const answers = await Promise.all([
    loadFromApi<{ workspace: WorkspaceSummary }>(args, "/workspace"),
    loadFromApi<{ members: Member[] }>(args, "/members"),
    ifAllowed<{ apiKeys: ApiKey[] }>(args, "/api-keys"),
    ifAllowed<{ entries: AuditEntry[] }>(args, "/audit-log?limit=8"),
    loadFromApi<{ apps: App[] }>(args, "/apps"),
    loadFromApi<{ sources: Source[] }>(args, "/sources"),
    loadFromApi<{ properties: Property[] }>(args, "/properties"),
  ]);
  const [workspace, members, keys, audit, apps, sources, properties] = answers;
  return json(
    {
      workspace: workspace.data.workspace,
      memberCount: members.data.members.length,
      activeKeyCount: keys.ok ? keys.data.apiKeys.filter((k) => !k.revokedAt).length : null,
      activity: audit.ok ? audit.data.entries : null,
      people: Object.fromEntries(members.data.members.map((m) => [m.userId, m.name])),
      progress: progressOf(apps.data.apps, sources.data.sources, properties.data.properties),
    },
    { headers: relayCookies(...answers) },
  );
}

export default function Home() {
  const { workspace, memberCount, activeKeyCount, activity, people, progress } = useLoaderData<typeof loader>();
  const { role } = useSession();
  return (
    <>
      <header className="page-header">
        <h1>{workspace.name}</h1>
        <p className="muted">
          Workspace address <code>{workspace.slug}</code>
        </p>
      </header>
      <section className="stats" aria-label="Workspace at a glance">
        <div className="stat">
          <span className="stat-label">Your role</span>
          <span className="stat-value" data-testid="my-role">
            {role}
          </span>
        </div>
        <div className="stat">
          <span className="stat-label">Members</span>
          <span className="stat-value" data-testid="member-count">
            {memberCount}
          </span>
        </div>
        {activeKeyCount !== null ? (
          <div className="stat">
            <span className="stat-label">Active API keys</span>
            <span className="stat-value" data-testid="key-count">
              {activeKeyCount}
            </span>
          </div>
        ) : null}
      </section>
      <GettingStarted progress={progress} />
      {activity ? <RecentActivity entries={activity} people={people} /> : null}
    </>
  );
}
