import { Form, Link } from "@remix-run/react";
import type { Export } from "../../lib/destinations";
import { formatMoment } from "../../lib/format";
import { CsrfField } from "../CsrfField";
import { ExportChanges } from "./ExportChanges";
import { ForwardedEventDetails } from "./ForwardedEventDetails";

/** What an Export does there, in words: a Record new to the Destination, a change, a removal, or a forwarded event. */
export const exportAction = (e: Export) => (e.event ? `event ${e.event.name}` : e.toDelete ? "remove" : e.oldValues ? "update" : "create");

function StateCell({ exp }: { exp: Export }) {
  const tone = exp.state === "complete" ? "ok" : exp.state === "failed" ? "failed" : "";
  return (
    <>
      <span className={`status ${tone}`}>{exp.state}</span>
      {exp.state === "pending" && exp.attempts > 0 && exp.nextAttemptAt ? <div className="hint">next try {formatMoment(exp.nextAttemptAt)}</div> : null}
    </>
  );
}

/** A page of a Destination's Exports, newest first, each with its changes, its tries and why it ended as it did. */
export function ExportTable({ exports, canRetry, busy }: { exports: Export[]; canRetry: boolean; busy: boolean }) {
  return (
    <table className="exports">
      <thead>
        <tr>
          <th scope="col">Made</th>
          <th scope="col">Record</th>
          <th scope="col">Does</th>
          <th scope="col">State</th>
          <th scope="col">Tries</th>
          <th scope="col">Why</th>
          {canRetry ? <th scope="col">
            <span className="visually-hidden">Retry</span>
          </th> : null}
        </tr>
      </thead>
      <tbody>
        {exports.map((e) => (
          <tr key={e.id} data-export-id={e.id} data-state={e.state}>
            <td>{formatMoment(e.createdAt)}</td>
            <td>
              <Link to={`/records/${e.recordId}`}>
                <code>{e.recordId}</code>
              </Link>
            </td>
            <td>
              <details>
                <summary>{exportAction(e)}</summary>
                {e.event ? <ForwardedEventDetails event={e.event} record={e.newValues} /> : <ExportChanges exp={e} />}
              </details>
            </td>
            <td>
              <StateCell exp={e} />
            </td>
            <td className="numeric">{e.attempts}</td>
            <td className="export-reason">{e.error ?? e.reason ?? <span className="muted">—</span>}</td>
            {canRetry ? (
              <td>
                {e.state === "failed" ? (
                  <Form method="post" preventScrollReset>
                    <CsrfField />
                    <input type="hidden" name="exportId" value={e.id} />
                    <button type="submit" name="intent" value="retry" disabled={busy} aria-label={`Retry Export ${e.id}`}>
                      Retry
                    </button>
                  </Form>
                ) : null}
              </td>
            ) : null}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
