import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/cloudflare";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { CsrfField } from "../components/CsrfField";
import { FormError } from "../components/FormError";
import { ExplainPanel, type Explained } from "../components/groups/ExplainPanel";
import { GroupCountChart } from "../components/groups/GroupCountChart";
import { RecalculationPanel } from "../components/groups/RecalculationPanel";
import { RulesPanel } from "../components/groups/RulesPanel";
import { badIntent, callApi, formFailure, loadFromApi, relayCookies } from "../lib/api.server";
import { formatMoment } from "../lib/format";
import { errorOf } from "../lib/form-errors";
import { valuesFromText, type Explanation, type GroupDetail, type MemberChange } from "../lib/groups";
import { jsonField } from "../lib/json-field.server";
import type { Property } from "../lib/models";
import { canWrite } from "../lib/permissions";
import { skipAfterResourceReads } from "../lib/revalidate";
import { ruleTargets } from "../lib/rules";
import { isUnfinished } from "../lib/runs";
import type { FormFailure } from "../lib/types";
import { useRefreshWhile } from "../lib/use-refresh-while";
import { useSession } from "../lib/use-session";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.group.name ?? "Group"} · Groupflow` }];
// The live preview of edited rules posts to a resource route, which changes nothing this page shows.
export const shouldRevalidate = skipAfterResourceReads;

const PAGE_SIZE = 50;

export async function loader(args: LoaderFunctionArgs) {
  const id = encodeURIComponent(args.params.id ?? "");
  const params = new URL(args.request.url).searchParams;
  const cursor = params.get("cursor");
  const recordId = params.get("explain")?.trim();
  const query = new URLSearchParams({ limit: String(PAGE_SIZE), ...(cursor ? { cursor } : {}) });
  const [answers, explainAnswer] = await Promise.all([
    Promise.all([
      loadFromApi<{ group: GroupDetail }>(args, `/groups/${id}`),
      loadFromApi<{ members: { recordId: string; joinedAt: string }[]; nextCursor: string | null }>(args, `/groups/${id}/members?${query}`),
      loadFromApi<{ properties: Property[] }>(args, "/properties"),
      loadFromApi<{ counts: { day: string; members: number }[] }>(args, `/groups/${id}/counts?days=30`),
    ]),
    // A Record id that names nothing is the person's typo, shown beside the form rather than as the page's error.
    recordId ? callApi<Explanation>(args, `/groups/${id}/explain/${encodeURIComponent(recordId)}`) : null,
  ]);
  const [group, members, properties, counts] = answers;
  let explained: Explained | null = null;
  if (recordId && explainAnswer) explained = explainAnswer.ok ? { recordId, result: explainAnswer.data } : { recordId, error: explainAnswer.error };
  return json(
    {
      group: group.data.group,
      ...members.data,
      counts: counts.data.counts,
      uniqueKeys: properties.data.properties.filter((p) => p.unique).map((p) => p.key),
      targets: ruleTargets(properties.data.properties),
      explained,
    },
    { headers: relayCookies(...answers, ...(explainAnswer ? [explainAnswer] : [])) },
  );
}

export async function action(args: ActionFunctionArgs) {
  const form = await args.request.formData();
  const intent = String(form.get("intent") ?? "");
  const csrfToken = form.get("csrf");
  const path = `/groups/${encodeURIComponent(args.params.id ?? "")}`;
  if (intent === "delete") {
    const result = await callApi(args, path, { method: "DELETE", csrfToken });
    if (!result.ok) return formFailure(args, result, { intent });
    return redirect("/groups", { headers: relayCookies(result) });
  }
  if (intent === "rules") {
    const result = await callApi(args, path, { method: "PATCH", body: { rules: jsonField(form, "rules") }, csrfToken });
    if (!result.ok) return formFailure(args, result, { intent });
    // Back to reading the rules, with the recalculation they started showing.
    return redirect(path, { headers: relayCookies(result) });
  }
  if (intent === "recalculate") {
    const result = await callApi(args, `${path}/recalculate`, { method: "POST", csrfToken });
    if (!result.ok) return formFailure(args, result, { intent });
    return json({ intent }, { headers: relayCookies(result) });
  }
  if (intent === "add" || intent === "remove") {
    const body = {
      property: String(form.get("property") ?? ""),
      values: valuesFromText(String(form.get("values") ?? "")),
      skipUnknown: form.get("skipUnknown") === "true",
    };
    const result = await callApi<MemberChange>(args, `${path}/members${intent === "remove" ? "/remove" : ""}`, { method: "POST", body, csrfToken });
    if (!result.ok) return formFailure(args, result, { intent: "members" });
    return json({ intent, ...result.data }, { headers: relayCookies(result) });
  }
  throw badIntent(intent);
}

export default function GroupPage() {
  const { group, members, nextCursor, uniqueKeys, counts, targets, explained } = useLoaderData<typeof loader>();
  const result = useActionData<FormFailure | ({ intent: "add" | "remove" } & MemberChange)>();
  const writer = canWrite(useSession(), "groups");
  const [params] = useSearchParams();
  const next = new URLSearchParams(params);
  if (nextCursor) next.set("cursor", nextCursor);
  const changed = result && "changed" in result ? result : null;
  const calculated = group.type === "calculated";
  const explainLink = (recordId: string) => {
    const link = new URLSearchParams(params);
    link.set("explain", recordId);
    return `/groups/${group.id}?${link}`;
  };

  const going = group.recalculation ? isUnfinished(group.recalculation) : false;
  useRefreshWhile(going);

  return (
    <>
      <header className="page-header">
        <p>
          <Link to="/groups">Groups</Link>
        </p>
        <h1>{group.name}</h1>
        <p className="muted">
          {group.type === "manual" ? "Manual Group: members change only by hand." : "Calculated Group: members follow its rules."}{" "}
          {group.description}
        </p>
      </header>
      {calculated ? (
        <>
          <RulesPanel groupId={group.id} rules={group.rules} targets={targets} writer={writer} editing={writer && params.get("edit") === "rules"} error={errorOf(result, "rules")} />
          <RecalculationPanel run={group.recalculation} writer={writer} error={errorOf(result, "recalculate")} />
          <ExplainPanel explained={explained} targets={targets} />
        </>
      ) : null}
      <section className="panel" aria-labelledby="members-heading">
        <h2 id="members-heading">Members ({group.memberCount.toLocaleString("en-US")})</h2>
        <GroupCountChart counts={counts} />
        {members.length ? (
          <table>
            <thead>
              <tr>
                <th scope="col">Record</th>
                <th scope="col">Joined</th>
                {calculated ? <th scope="col">Why</th> : null}
              </tr>
            </thead>
            <tbody>
              {members.map((m) => (
                <tr key={m.recordId}>
                  <td>
                    <Link to={`/records/${m.recordId}`}>
                      <code>{m.recordId}</code>
                    </Link>
                  </td>
                  <td>{formatMoment(m.joinedAt)}</td>
                  {calculated ? (
                    <td>
                      <Link to={explainLink(m.recordId)} aria-label={`Explain ${m.recordId}`}>
                        Explain
                      </Link>
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        ) : (
          <p className="muted">No members yet.</p>
        )}
        {nextCursor ? (
          <p>
            <Link to={`/groups/${group.id}?${next}`} className="button">
              Next page
            </Link>
          </p>
        ) : null}
      </section>
      {writer && group.type === "manual" && uniqueKeys.length ? (
        <section className="panel" aria-labelledby="change-members-heading">
          <h2 id="change-members-heading">Add or remove members</h2>
          <Form method="post">
            <CsrfField />
            <div className="field">
              <label htmlFor="members-property">Find Records by</label>
              <select id="members-property" name="property" defaultValue={uniqueKeys[0]}>
                {uniqueKeys.map((key) => (
                  <option key={key}>{key}</option>
                ))}
              </select>
            </div>
            <div className="field">
              <label htmlFor="members-values">Values, one per line (up to 10,000)</label>
              <textarea id="members-values" name="values" rows={5} required />
            </div>
            <label className="checkbox">
              <input type="checkbox" name="skipUnknown" value="true" /> Skip values that match no Record
            </label>
            <div className="actions">
              <button type="submit" name="intent" value="add" className="primary">
                Add
              </button>
              <button type="submit" name="intent" value="remove">
                Remove
              </button>
            </div>
          </Form>
          <FormError error={errorOf(result, "members")} />
          {changed ? (
            <p role="status">
              {changed.intent === "add" ? "Added" : "Removed"} {changed.changed}; {changed.unchanged} already {changed.intent === "add" ? "in" : "out"}
              {changed.skipped.length ? `; skipped ${changed.skipped.length} that match no Record` : ""}.
            </p>
          ) : null}
        </section>
      ) : null}
      {writer ? (
        <section className="panel" aria-labelledby="delete-group-heading">
          <h2 id="delete-group-heading">Delete this Group</h2>
          <Form method="post">
            <CsrfField />
            <button type="submit" name="intent" value="delete" className="danger">
              Delete Group
            </button>
          </Form>
          <FormError error={errorOf(result, "delete")} />
        </section>
      ) : null}
    </>
  );
}
