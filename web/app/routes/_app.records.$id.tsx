import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/cloudflare";
import { Link, useLoaderData } from "@remix-run/react";
import { loadFromApi, relayCookies } from "../lib/api.server";
import { formatMoment } from "../lib/format";
import { showValue, type RecordDetail, type TimelineEntry } from "../lib/runs";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `Record ${data?.record.id ?? ""} · Groupflow` }];

export async function loader(args: LoaderFunctionArgs) {
  const record = await loadFromApi<{ record: RecordDetail }>(args, `/records/${encodeURIComponent(args.params.id ?? "")}`);
  return json({ record: record.data.record }, { headers: relayCookies(record) });
}

function TimelineItem({ entry }: { entry: TimelineEntry }) {
  if (entry.kind === "change") {
    return (
      <>
        <strong>Changed</strong>
        <ul className="changes">
          {entry.changes.map((change) => (
            <li key={change.key}>
              <code>{change.key}</code>: {showValue(change.before)} → {showValue(change.after)}
            </li>
          ))}
        </ul>
      </>
    );
  }
  if (entry.kind === "event") {
    const data = Object.entries(entry.data);
    return (
      <>
        <strong>{entry.name}</strong> <span className="muted">event</span>
        {data.length ? (
          <ul className="changes">
            {data.map(([key, value]) => (
              <li key={key}>
                <code>{key}</code>: {typeof value === "string" ? value : JSON.stringify(value)}
                {entry.appliedKeys.includes(key) ? <span className="badge">Property</span> : null}
              </li>
            ))}
          </ul>
        ) : null}
      </>
    );
  }
  if (entry.kind === "import") {
    return (
      <>
        <strong>Imported</strong> <span className="muted">via {entry.via} · {entry.state}</span>
        {entry.error ? <p className="form-error">{entry.error}</p> : null}
      </>
    );
  }
  return (
    <>
      <strong>{entry.action}</strong> <span className="muted">by {entry.actorType}</span>
    </>
  );
}

export default function RecordPage() {
  const { record } = useLoaderData<typeof loader>();
  const held = record.properties.filter((p) => p.state !== null);
  return (
    <>
      <header className="page-header">
        <p className="breadcrumb">
          <Link to="/records">Records</Link>
        </p>
        <h1>
          Record <code>{record.id}</code>
        </h1>
        <p className="muted">
          Created {formatMoment(record.createdAt)} · updated {formatMoment(record.updatedAt)}
        </p>
      </header>
      {record.missingSince ? (
        <p className="notice warning" role="status">
          Missing from its Source since {formatMoment(record.missingSince)}: a Run that confirms Records no longer found its row.
        </p>
      ) : null}
      <section className="panel" aria-labelledby="record-properties-heading">
        <h2 id="record-properties-heading">Properties ({held.length})</h2>
        {held.length ? (
          <table className="record-properties">
            <thead>
              <tr>
                <th scope="col">Key</th>
                <th scope="col">Value</th>
                <th scope="col">State</th>
                <th scope="col">Changed</th>
                <th scope="col">Confirmed</th>
              </tr>
            </thead>
            <tbody>
              {held.map((property) => (
                <tr key={property.key}>
                  <th scope="row">
                    {property.key} <span className="muted">{property.type}</span>
                  </th>
                  <td>
                    {showValue(property.isArray ? property.values : (property.values[0] ?? null))}
                    {property.invalidReason ? (
                      <p className="field-error">
                        “{property.invalidValue}” was not kept: {property.invalidReason}
                      </p>
                    ) : null}
                  </td>
                  <td>
                    <span className={`status ${property.state === "ready" ? "ok" : ""}`}>{property.state}</span>
                  </td>
                  <td>{formatMoment(property.valueChangedAt)}</td>
                  <td>{formatMoment(property.confirmedAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : (
          <p className="muted">This Record holds no Property values yet.</p>
        )}
      </section>
      <div className="two-columns">
        <section className="panel" aria-labelledby="identities-heading">
          <h2 id="identities-heading">Identities</h2>
          {record.identities.length ? (
            <dl className="facts">
              {record.identities.map((identity) => (
                <div key={`${identity.key}:${identity.value}`}>
                  <dt>{identity.key}</dt>
                  <dd>{identity.value}</dd>
                </div>
              ))}
            </dl>
          ) : (
            <p className="muted">No unique value identifies this Record.</p>
          )}
        </section>
        <section className="panel" aria-labelledby="timeline-heading">
          <h2 id="timeline-heading">Timeline</h2>
          {record.timeline.length ? (
            <ol className="timeline">
              {record.timeline.map((entry) => (
                <li key={`${entry.kind}:${entry.id}`} className={entry.kind} data-testid="timeline-entry">
                  <time dateTime={entry.at}>{formatMoment(entry.at)}</time>
                  <TimelineItem entry={entry} />
                </li>
              ))}
            </ol>
          ) : (
            <p className="muted">Nothing has happened to this Record yet.</p>
          )}
        </section>
      </div>
    </>
  );
}
