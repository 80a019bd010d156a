import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/cloudflare";
import { Form, Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { loadFromApi, relayCookies } from "../lib/api.server";
import { formatMoment } from "../lib/format";
import type { Property } from "../lib/models";
import { MATCH_MODES, showValue, type RecordSummary } from "../lib/runs";

export const meta: MetaFunction = () => [{ title: "Records · Groupflow" }];

/** Enough columns to recognise a Record; its page shows the rest. */
const COLUMN_COUNT = 4;
const PAGE_SIZE = 50;
const SEARCH_PARAMS = ["q", "property", "value", "match", "cursor"] as const;

export async function loader(args: LoaderFunctionArgs) {
  const params = new URL(args.request.url).searchParams;
  const query = new URLSearchParams({ limit: String(PAGE_SIZE) });
  for (const name of SEARCH_PARAMS) {
    const value = params.get(name)?.trim();
    if (value) query.set(name, value);
  }
  // The form always sends a match mode; it means nothing without a property search, which the API refuses.
  if (!query.has("value")) query.delete("match");
  const answers = await Promise.all([
    loadFromApi<{ records: RecordSummary[]; nextCursor: string | null }>(args, `/records?${query}`),
    loadFromApi<{ properties: Property[] }>(args, "/properties"),
  ]);
  const [records, properties] = answers;
  // Unique Properties (emails, ids) first: they tell Records apart.
  const columns = [...properties.data.properties].sort((a, b) => Number(b.unique) - Number(a.unique)).slice(0, COLUMN_COUNT).map((p) => p.key);
  return json(
    { records: records.data.records, nextCursor: records.data.nextCursor, columns, keys: properties.data.properties.map((p) => p.key) },
    { headers: relayCookies(...answers) },
  );
}

export default function Records() {
  const { records, nextCursor, columns, keys } = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const next = new URLSearchParams(params);
  if (nextCursor) next.set("cursor", nextCursor);
  return (
    <>
      <header className="page-header">
        <h1>Records</h1>
        <p className="muted">One Record per customer, with every Property Groupflow has read for them.</p>
      </header>
      <section className="panel" aria-labelledby="search-heading">
        <h2 id="search-heading">Search</h2>
        <Form method="get" className="row-form" role="search" aria-label="By unique value">
          <div className="field grow">
            <label htmlFor="records-q">Unique value starts with</label>
            <input id="records-q" name="q" type="search" defaultValue={params.get("q") ?? ""} placeholder="e.g. an email address" />
          </div>
          <button type="submit">Search</button>
        </Form>
        <Form method="get" className="row-form records-search" role="search" aria-label="By Property">
          <div className="field">
            <label htmlFor="records-property">Property</label>
            <select id="records-property" name="property" defaultValue={params.get("property") ?? keys[0]}>
              {keys.map((key) => (
                <option key={key}>{key}</option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor="records-match">Match</label>
            <select id="records-match" name="match" defaultValue={params.get("match") ?? "equals"}>
              {MATCH_MODES.map((mode) => (
                <option key={mode} value={mode}>
                  {mode.replace("_", " ")}
                </option>
              ))}
            </select>
          </div>
          <div className="field grow">
            <label htmlFor="records-value">Value</label>
            <input id="records-value" name="value" required defaultValue={params.get("value") ?? ""} />
          </div>
          <button type="submit">Find</button>
        </Form>
      </section>
      <section className="panel" aria-labelledby="records-heading">
        <div className="panel-header">
          <h2 id="records-heading">{params.has("q") || params.has("value") ? "Matching Records" : "All Records"}</h2>
          {params.toString() ? <Link to="/records">Clear search</Link> : null}
        </div>
        {records.length ? (
          <div className="table-scroll">
            <table className="records">
              <thead>
                <tr>
                  <th scope="col">Record</th>
                  {columns.map((key) => (
                    <th scope="col" key={key}>
                      {key}
                    </th>
                  ))}
                  <th scope="col">Created</th>
                </tr>
              </thead>
              <tbody>
                {records.map((record) => (
                  <tr key={record.id}>
                    <td>
                      <Link to={`/records/${record.id}`}>
                        <code>{record.id}</code>
                      </Link>
                      {record.missingSince ? (
                        <span className="badge missing" title={`Missing from its Source since ${formatMoment(record.missingSince)}`}>
                          missing
                        </span>
                      ) : null}
                    </td>
                    {columns.map((key) => (
                      <td key={key}>{showValue(record.properties[key] ?? null)}</td>
                    ))}
                    <td>{formatMoment(record.createdAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : (
          <p className="muted">No Records {params.toString() ? "match." : "yet. Run a Schedule on a Source to read some."}</p>
        )}
        {nextCursor ? (
          <p>
            <Link to={`/records?${next}`} className="button">
              Next page
            </Link>
          </p>
        ) : null}
      </section>
    </>
  );
}
