import { formatMoment } from "../../lib/format";
import { isUnfinished, type Run } from "../../lib/runs";

const STATE_STYLE: Record<Run["state"], string> = { draft: "", running: "running", complete: "ok", failed: "failed", stopped: "" };

/**
 * Where the Destination's latest sync stands: a sync walks every Record of the collection (and
 * every Record it holds) when it is created or its definition changes, deciding what each needs.
 */
export function SyncStatus({ run }: { run: Run | null }) {
  if (!run) return <p className="muted">Not synced yet.</p>;
  const walked = run.counters.rowsRead;
  return (
    <div className="sync-status" data-testid="sync-status">
      <p className="inline">
        <span className={`status ${STATE_STYLE[run.state]}`}>sync {run.state}</span>
        {isUnfinished(run) ? (
          <>
            <progress max={100} value={run.percentComplete} aria-label={`Sync ${run.percentComplete}% complete`} />
            <span className="muted">
              {walked.toLocaleString("en-US")} of {run.rowsTotal?.toLocaleString("en-US") ?? "?"} Records walked
            </span>
          </>
        ) : (
          <span className="muted">
            {run.reason ?? ""} · {formatMoment(run.finishedAt ?? run.createdAt)}
          </span>
        )}
      </p>
    </div>
  );
}
