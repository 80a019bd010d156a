import { Form, Link } from "@remix-run/react";
import { CsrfField } from "../CsrfField";
import { FormError } from "../FormError";
import { errorOf } from "../../lib/form-errors";
import { formatMoment } from "../../lib/format";
import { isUnfinished, type Run, type Schedule } from "../../lib/runs";
import type { Source } from "../../lib/models";
import type { Group } from "../../lib/groups";

interface Props {
  runs: Run[];
  schedules: Schedule[];
  sources: Source[];
  groups: Group[];
  writer: boolean;
  result: unknown;
}

const STATE_STYLE: Record<Run["state"], string> = { draft: "", running: "running", complete: "ok", failed: "failed", stopped: "" };

/** What a Run is of: a Schedule reading its Source, or a Group's recalculation. */
function RunSubject({ run, scheduleName, sourceById, groupById }: { run: Run; scheduleName: Map<string, string>; sourceById: Map<string, Source>; groupById: Map<string, Group> }) {
  if (run.groupId) {
    const group = groupById.get(run.groupId);
    return (
      <>
        <span className="strong">Recalculation</span>
        <br />
        <span className="muted">
          {group ? <Link to={`/groups/${group.id}`}>{group.name}</Link> : "Deleted Group"} · {run.trigger}
        </span>
      </>
    );
  }
  const source = run.sourceId ? sourceById.get(run.sourceId) : undefined;
  return (
    <>
      <span className="strong">{(run.scheduleId && scheduleName.get(run.scheduleId)) ?? "Deleted Schedule"}</span>
      <br />
      <span className="muted">
        {source ? <Link to={`/sources/${source.id}`}>{source.name}</Link> : "Deleted Source"} · {run.trigger}
        {run.incremental ? " · incremental" : ""}
      </span>
    </>
  );
}

export function RunTable({ runs, schedules, sources, groups, writer, result }: Props) {
  const scheduleName = new Map(schedules.map((s) => [s.id, s.name]));
  const sourceById = new Map(sources.map((s) => [s.id, s]));
  const groupById = new Map(groups.map((g) => [g.id, g]));
  return (
    <div className="table-scroll">
      <table className="runs">
        <thead>
          <tr>
            <th scope="col">Run</th>
            <th scope="col">State</th>
            <th scope="col">Progress</th>
            <th scope="col">Records</th>
            <th scope="col">Rows, invalid values, errors</th>
            <th scope="col">Started</th>
            <th scope="col">Finished</th>
          </tr>
        </thead>
        <tbody>
          {runs.map((run) => {
            const { counters } = run;
            return (
              <tr key={run.id} data-testid="run-row">
                <td>
                  <RunSubject run={run} scheduleName={scheduleName} sourceById={sourceById} groupById={groupById} />
                </td>
                <td>
                  <span className={`status ${STATE_STYLE[run.state]}`} data-testid="run-state">
                    {run.state}
                  </span>
                  {run.reason ? <p className="run-reason">{run.reason}</p> : null}
                </td>
                <td>
                  <progress max={100} value={run.percentComplete} aria-label={`${run.percentComplete}% complete`} />{" "}
                  <span className="muted">{run.percentComplete}%</span>
                </td>
                <td data-testid="run-records">
                  {run.groupId ? (
                    `${counters.membersJoined} joined, ${counters.membersLeft} left`
                  ) : (
                    <>
                      {counters.recordsCreated} created, {counters.recordsUpdated} updated, {counters.recordsUnchanged} unchanged
                      {counters.recordsMissing ? `, ${counters.recordsMissing} missing` : null}
                      {counters.recordsRemoved ? `, ${counters.recordsRemoved} removed` : null}
                    </>
                  )}
                </td>
                <td>
                  {counters.rowsRead}
                  {run.rowsTotal === null ? "" : ` of ${run.rowsTotal}`} rows, {counters.invalidValues} invalid, {counters.errors} errors
                </td>
                <td>{formatMoment(run.startedAt)}</td>
                <td>
                  {isUnfinished(run) && writer ? (
                    <Form method="post">
                      <CsrfField />
                      <input type="hidden" name="intent" value="stop" />
                      <input type="hidden" name="id" value={run.id} />
                      <button type="submit" className="danger">
                        Stop
                      </button>
                    </Form>
                  ) : (
                    formatMoment(run.finishedAt)
                  )}
                  <FormError error={errorOf(result, "stop", run.id)} />
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
