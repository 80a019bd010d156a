import { Form, Link, useNavigation } from "@remix-run/react";
import { CsrfField } from "../CsrfField";
import { FormError } from "../FormError";
import { confirmSubmit } from "../../lib/confirm";
import { errorOf } from "../../lib/form-errors";
import { formatMoment } from "../../lib/format";
import type { Column } from "../../lib/models";
import type { Schedule } from "../../lib/runs";
import { NewScheduleForm } from "./NewScheduleForm";

interface Props {
  schedules: Schedule[];
  /** The Source's columns, or null when they could not be read; only incremental ones can be picked. */
  columns: Column[] | null;
  /** Whether the Source can confirm Records: it matches rows to Records by an identity column and creates them. */
  confirmable: boolean;
  writer: boolean;
  result: unknown;
  /** The Run just started by hand from this page, to point the person at its progress. */
  startedRun: string | null;
}

const every = (s: Schedule) => (s.everyMinutes === null ? "by hand" : s.everyMinutes === 1 ? "every minute" : `every ${s.everyMinutes} minutes`);

/** What a Schedule does about Records whose row disappeared. */
const missingRecords = (s: Schedule) => (!s.confirmRecords ? "—" : s.removeMissing ? "marked missing, then removed" : "marked missing");

export function ScheduleSection({ schedules, columns, confirmable, writer, result, startedRun }: Props) {
  const busy = useNavigation().formData?.get("intent");
  const incremental = (columns ?? []).filter((c) => c.incremental);
  return (
    <section className="panel" aria-labelledby="schedules-heading">
      <h2 id="schedules-heading">Schedules ({schedules.length})</h2>
      {startedRun ? (
        <p className="notice" role="status">
          Run started. <Link to="/runs">Follow it on the Runs page</Link>.
        </p>
      ) : null}
      {schedules.length ? (
        <table className="schedules">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Runs</th>
              <th scope="col">Incremental by</th>
              <th scope="col">Records whose row is gone</th>
              <th scope="col">Next run</th>
              {writer ? <th scope="col">Actions</th> : null}
            </tr>
          </thead>
          <tbody>
            {schedules.map((schedule) => (
              <tr key={schedule.id}>
                <td className="strong">{schedule.name}</td>
                <td>{every(schedule)}</td>
                <td>{schedule.incrementalColumn ? <code>{schedule.incrementalColumn}</code> : "— (reads every row)"}</td>
                <td>{missingRecords(schedule)}</td>
                <td>{schedule.everyMinutes === null ? "—" : formatMoment(schedule.nextRunAt)}</td>
                {writer ? (
                  <td>
                    <div className="inline">
                      <Form method="post">
                        <CsrfField />
                        <input type="hidden" name="intent" value="run-schedule" />
                        <input type="hidden" name="id" value={schedule.id} />
                        <button type="submit" className="primary" aria-label={`Run ${schedule.name} now`} disabled={busy === "run-schedule"}>
                          Run now
                        </button>
                      </Form>
                      <Form method="post" onSubmit={confirmSubmit(`Delete the Schedule “${schedule.name}”? Its past Runs stay listed.`)}>
                        <CsrfField />
                        <input type="hidden" name="intent" value="delete-schedule" />
                        <input type="hidden" name="id" value={schedule.id} />
                        <button type="submit" className="danger" aria-label={`Delete ${schedule.name}`}>
                          Delete
                        </button>
                      </Form>
                    </div>
                    <FormError error={errorOf(result, "run-schedule", schedule.id) ?? errorOf(result, "delete-schedule", schedule.id)} />
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p className="muted">No Schedule reads this Source yet{writer ? "; add one to import its rows into Records." : "."}</p>
      )}
      {writer ? (
        // Keyed by how many Schedules there are, so the form starts empty again after each one is added.
        <NewScheduleForm
          key={schedules.length}
          incrementalColumns={incremental}
          confirmable={confirmable}
          busy={busy === "create-schedule"}
          error={errorOf(result, "create-schedule")}
        />
      ) : null}
    </section>
  );
}
