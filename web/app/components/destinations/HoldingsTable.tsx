import { Link } from "@remix-run/react";
import type { Holding } from "../../lib/destinations";
import { formatMoment } from "../../lib/format";
import { PayloadValue } from "./PayloadValue";

/** What the Destination holds now, as last sent successfully: one row per Record, one column per field sent. */
export function HoldingsTable({ holdings, fields }: { holdings: Holding[]; fields: string[] }) {
  const shown = [...new Set([...fields, ...holdings.flatMap((h) => Object.keys(h.payload.fields))])];
  const hasLists = holdings.some((h) => h.payload.lists.length > 0);
  return (
    <table className="holdings">
      <thead>
        <tr>
          <th scope="col">Record</th>
          {shown.map((f) => (
            <th scope="col" key={f}>
              {f}
            </th>
          ))}
          {hasLists ? <th scope="col">Lists</th> : null}
          <th scope="col">Sent</th>
        </tr>
      </thead>
      <tbody>
        {holdings.map((h) => (
          <tr key={h.recordId}>
            <td>
              <Link to={`/records/${h.recordId}`}>
                <code>{h.recordId}</code>
              </Link>
              {h.remoteId ? <div className="hint">there: {h.remoteId}</div> : null}
            </td>
            {shown.map((f) => (
              <td key={f}>
                <PayloadValue value={h.payload.fields[f]} />
              </td>
            ))}
            {hasLists ? <td>{h.payload.lists.join(", ") || <span className="muted">—</span>}</td> : null}
            <td>{formatMoment(h.sentAt)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
