import { Link } from "@remix-run/react";
import { SYNC_MODE_WORDS, type Destination } from "../../lib/destinations";

/** How a Destination is defined, in a glance: its mode, which Property fills each field, and which Groups become lists. */
export function DestinationFacts({ destination, groups }: { destination: Destination; groups: Record<string, string> }) {
  const options = Object.entries(destination.options).filter(([, v]) => v !== "" && v !== null && v !== undefined);
  return (
    <section className="panel" aria-labelledby="definition-heading">
      <h2 id="definition-heading">Definition</h2>
      <dl className="facts">
        <div>
          <dt>Mode</dt>
          <dd>{SYNC_MODE_WORDS[destination.syncMode]}</dd>
        </div>
        {destination.eventNames.length ? (
          <div>
            <dt>Events</dt>
            <dd>
              {destination.eventNames.map((n) => (
                <code key={n} className="event-name">
                  {n}
                </code>
              ))}
              {destination.sendRecords ? null : <span className="hint"> (events only; Records are not synced)</span>}
            </dd>
          </div>
        ) : null}
        {options.map(([key, value]) => (
          <div key={key}>
            <dt>{key}</dt>
            <dd>
              <code>{String(value)}</code>
            </dd>
          </div>
        ))}
        <div>
          <dt>Fields</dt>
          <dd>
            {destination.mapping.length ? (
              <ul className="plain-list">
                {destination.mapping.map((m) => (
                  <li key={m.remote}>
                    <code>{m.remote}</code> ← {m.property ? <code>{m.property}</code> : <span className="badge missing">deleted Property</span>}
                  </li>
                ))}
              </ul>
            ) : (
              <span className="muted">None mapped</span>
            )}
          </dd>
        </div>
        {destination.groupLists.length ? (
          <div>
            <dt>Lists</dt>
            <dd>
              <ul className="plain-list">
                {destination.groupLists.map((l) => (
                  <li key={l.groupId}>
                    <Link to={`/groups/${l.groupId}`}>{groups[l.groupId] ?? "a Group"}</Link> → <code>{l.remote}</code>
                  </li>
                ))}
              </ul>
            </dd>
          </div>
        ) : null}
      </dl>
    </section>
  );
}
