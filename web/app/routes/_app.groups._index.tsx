import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/cloudflare";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { CsrfField } from "../components/CsrfField";
import { FormError } from "../components/FormError";
import { callApi, formFailure, loadFromApi, relayCookies } from "../lib/api.server";
import { formatMoment } from "../lib/format";
import type { Group } from "../lib/groups";
import { canWrite } from "../lib/permissions";
import type { FormFailure } from "../lib/types";
import { useSession } from "../lib/use-session";

export const meta: MetaFunction = () => [{ title: "Groups · Groupflow" }];

export async function loader(args: LoaderFunctionArgs) {
  const groups = await loadFromApi<{ groups: Group[] }>(args, "/groups");
  return json({ groups: groups.data.groups }, { headers: relayCookies(groups) });
}

export async function action(args: ActionFunctionArgs) {
  const form = await args.request.formData();
  const body = { name: String(form.get("name") ?? ""), description: String(form.get("description") ?? ""), type: "manual" };
  const result = await callApi<{ group: Group }>(args, "/groups", { method: "POST", body, csrfToken: form.get("csrf") });
  if (!result.ok) return formFailure(args, result);
  return redirect(`/groups/${result.data.group.id}`, { headers: relayCookies(result) });
}

export default function Groups() {
  const { groups } = useLoaderData<typeof loader>();
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
          <h2 id="new-group-heading">New manual Group</h2>
          <Form method="post" className="row-form">
            <CsrfField />
            <div className="field">
              <label htmlFor="group-name">Name</label>
              <input id="group-name" name="name" required maxLength={100} />
            </div>
            <div className="field grow">
              <label htmlFor="group-description">Description</label>
              <input id="group-description" name="description" maxLength={1000} />
            </div>
            <button type="submit" className="primary">
              Create Group
            </button>
          </Form>
          <FormError error={failure?.error} />
        </section>
      ) : null}
    </>
  );
}
