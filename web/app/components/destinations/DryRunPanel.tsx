import { useFetcher } from "@remix-run/react";
import type { DryRun, DryRunChange } from "../../lib/destinations";
import type { FormFailure } from "../../lib/types";
import { useSession } from "../../lib/use-session";
import { FormError } from "../FormError";
import { FieldChanges } from "./FieldChanges";

const COUNTS = [
  { key: "create", label: "would be created", color: "#2f9e66" },
  { key: "update", label: "would be updated", color: "#3b63d9" },
  { key: "delete", label: "would be removed", color: "#d64545" },
  { key: "unchanged", label: "already as they should be", color: "#a0a4ad" },
] as const;

function ChangeRow({ change }: { change: DryRunChange }) {
  return (
    <tr>
      <td>
        <code>{change.recordId}</code>
      </td>
      <td>{change.action}</td>
      <td>
        <FieldChanges
          changes={Object.entries(change.fields).map(([key, { before, after }]) => ({ key, before, after }))}
          lists={change.lists}
          showBefore={change.action !== "create"}
          removal={change.action === "delete"}
        />
      </td>
    </tr>
  );
}

/**
 * What a sync would do now, asked for on demand (it reads every Record of the collection): counts
 * of what would be created, updated and removed, and the first changes field by field. Nothing is sent.
 */
export function DryRunPanel({ destinationId }: { destinationId: string }) {
  const fetcher = useFetcher<{ dryRun: DryRun } | FormFailure>();
  const csrf = useSession().csrfToken;
  const answer = fetcher.data;
  const result = answer && "dryRun" in answer ? answer.dryRun : null;
  return (
    <section className="panel" aria-labelledby="dry-run-heading">
      <div className="panel-header">
        <h2 id="dry-run-heading">Dry run</h2>
        <button
          type="button"
          disabled={fetcher.state !== "idle"}
          onClick={() => fetcher.submit({ csrf, destinationId }, { method: "post", action: "/resources/destination-dry-run" })}
        >
          {fetcher.state !== "idle" ? "Working it out…" : result ? "Run again" : "Show what a sync would do"}
        </button>
      </div>
      <p className="muted">Compares each Record with what this Destination was last sent. Nothing is sent.</p>
      <FormError error={answer && "error" in answer ? answer.error : undefined} />
      {result ? (
        <>
          <ul className="dry-run-counts" aria-label="What a sync would do">
            {COUNTS.map((c) => (
              <li key={c.key}>
                <span className="swatch" style={{ background: c.color }} aria-hidden="true" /> <strong>{result[c.key].toLocaleString("en-US")}</strong> {c.label}
              </li>
            ))}
          </ul>
          {result.sample.length ? (
            <table className="dry-run-sample">
              <caption className="muted">The first {result.sample.length} changes</caption>
              <thead>
                <tr>
                  <th scope="col">Record</th>
                  <th scope="col">Would</th>
                  <th scope="col">Changes</th>
                </tr>
              </thead>
              <tbody>
                {result.sample.map((change) => (
                  <ChangeRow key={change.recordId} change={change} />
                ))}
              </tbody>
            </table>
          ) : (
            <p role="status">Nothing to do: the Destination holds what it should.</p>
          )}
        </>
      ) : null}
    </section>
  );
}
