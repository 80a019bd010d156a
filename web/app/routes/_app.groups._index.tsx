import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/cloudflare";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { NewGroupForm } from "../components/groups/NewGroupForm";
import { callApi, formFailure, loadFromApi, relayCookies } from "../lib/api.server";
import { formatMoment } from "../lib/format";
import type { Group } from "../lib/groups";
import { jsonField } from "../lib/json-field.server";
import type { Property } from "../lib/models";
import { canWrite } from "../lib/permissions";
import { skipAfterResourceReads } from "../lib/revalidate";
import { ruleTargets } from "../lib/rules";
import type { FormFailure } from "../lib/types";
import { useSession } from "../lib/use-session";

export const meta: MetaFunction = () => [{ title: "Groups · Groupflow" }];
// The live preview of rules posts to a resource route, which changes nothing this page shows.
export const shouldRevalidate = skipAfterResourceReads;

export async function loader(args: LoaderFunctionArgs) {
  const answers = await Promise.all([loadFromApi<{ groups: Group[] }>(args, "/groups"), loadFromApi<{ properties: Property[] }>(args, "/properties")]);
  const [groups, properties] = answers;
  return json({ groups: groups.data.groups, targets: ruleTargets(properties.data.properties) }, { headers: relayCookies(...answers) });
}

export async function action(args: ActionFunctionArgs) {
  const form = await args.request.formData();
  const calculated = form.get("type") === "calculated";
  const body = {
    name: String(form.get("name") ?? ""),
    description: String(form.get("description") ?? ""),
    type: calculated ? "calculated" : "manual",
    ...(calculated ? { rules: jsonField(form, "rules") } : {}),
  };
  const result = await callApi<{ group: Group }>(args, "/groups", { method: "POST", body, csrfToken: form.get("csrf") });
  if (!result.ok) return formFailure(args, result);
  return redirect(`/groups/${result.data.group.id}`, { headers: relayCookies(result) });
}

export default function Groups() {
  const { groups, targets } = useLoaderData<typeof loader>();
  const failure = useActionData<FormFailure>();
  const writer = canWrite(useSession(), "groups");
  return (
    <>
      <header className="page-header">
        <h1>Groups</h1>
        <p className="muted">Sets of Records: picked by hand, or kept current by rules.</p>
      </header>
      <section className="panel" aria-labelledby="groups-heading">
        <h2 id="groups-heading">All Groups ({groups.length})</h2>
        {groups.length ? (
          <table>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Type</th>
                <th scope="col">Members</th>
                <th scope="col">Created</th>
              </tr>
            </thead>
            <tbody>
              {groups.map((group) => (
                <tr key={group.id}>
                  <td>
                    <Link to={`/groups/${group.id}`}>{group.name}</Link>
                    {group.description ? <div className="muted">{group.description}</div> : null}
                  </td>
                  <td>{group.type}</td>
                  <td>{group.memberCount.toLocaleString("en-US")}</td>
                  <td>{formatMoment(group.createdAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : (
          <p className="muted">No Groups yet.</p>
        )}
      </section>
      {writer ? (
        <section className="panel" aria-labelledby="new-group-heading">
          <h2 id="new-group-heading">New Group</h2>
          <NewGroupForm targets={targets} error={failure?.error} />
        </section>
      ) : null}
    </>
  );
}
