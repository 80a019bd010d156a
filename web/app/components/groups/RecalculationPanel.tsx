import { Form } from "@remix-run/react";
import { CsrfField } from "../CsrfField";
import { FormError } from "../FormError";
import { formatMoment } from "../../lib/format";
import { isUnfinished, type Run } from "../../lib/runs";
import type { ApiError } from "../../lib/types";

const STATE_STYLE: Record<Run["state"], string> = { draft: "", running: "running", complete: "ok", failed: "failed", stopped: "" };

const WHY: Record<string, string> = {
  rules: "after the rules changed",
  manual: "started by hand",
  property: "after a Property the rules use changed",
  time: "because time moved on past a relative date",
};

interface Props {
  run: Run | null;
  writer: boolean;
  error?: ApiError;
}

/** Where working out the members from the rules stands: its state, progress and reason, and a way to start it again. */
export function RecalculationPanel({ run, writer, error }: Props) {
  const going = run ? isUnfinished(run) : false;
  return (
    <section className="panel" aria-labelledby="recalculation-heading">
      <div className="panel-header">
        <h2 id="recalculation-heading">Recalculation</h2>
        {writer ? (
          <Form method="post">
            <CsrfField />
            <button type="submit" name="intent" value="recalculate" disabled={going}>
              Recalculate now
            </button>
          </Form>
        ) : null}
      </div>
      {run ? (
        <div className="recalculation" data-testid="recalculation">
          <p>
            <span className={`status ${STATE_STYLE[run.state]}`} data-testid="recalculation-state">
              {run.state}
            </span>{" "}
            <span className="muted">
              {WHY[run.trigger] ?? run.trigger} · started {formatMoment(run.startedAt ?? run.createdAt)}
              {run.finishedAt ? ` · finished ${formatMoment(run.finishedAt)}` : ""}
            </span>
          </p>
          <p className="inline">
            <progress max={100} value={run.percentComplete} aria-label={`Recalculation ${run.percentComplete}% complete`} />
            <span className="muted">{run.percentComplete}%</span>
            <span>
              {run.counters.membersJoined.toLocaleString("en-US")} joined, {run.counters.membersLeft.toLocaleString("en-US")} left
            </span>
          </p>
          {run.reason ? <p className="run-reason">{run.reason}</p> : null}
        </div>
      ) : (
        <p className="muted">Not recalculated yet.</p>
      )}
      <FormError error={error} />
    </section>
  );
}
