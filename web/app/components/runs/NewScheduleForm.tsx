import { Form } from "@remix-run/react";
import { useState } from "react";
import { CsrfField } from "../CsrfField";
import { Field } from "../Field";
import { FormError } from "../FormError";
import type { Column } from "../../lib/models";
import type { ApiError } from "../../lib/types";

interface Props {
  /** The Source's columns that can order rows for incremental imports. */
  incrementalColumns: Column[];
  /** Whether the Source matches rows to Records by an identity column and creates them, which confirming Records needs. */
  confirmable: boolean;
  busy: boolean;
  error?: ApiError;
}

/** Adding a Schedule. Confirming Records is offered only for Schedules that read every row. */
export function NewScheduleForm({ incrementalColumns, confirmable, busy, error }: Props) {
  const [incremental, setIncremental] = useState(false);
  const [confirm, setConfirm] = useState(false);
  const confirming = confirm && !incremental;
  return (
    <Form method="post" className="schedule-form" aria-label="New Schedule">
      <CsrfField />
      <input type="hidden" name="intent" value="create-schedule" />
      <div className="row-form">
        <Field label="Schedule name" name="name" required maxLength={100} placeholder="e.g. Hourly" error={error} />
        <Field label="Every (minutes)" name="everyMinutes" type="number" min={1} max={10_080} hint="Leave empty to run it only by hand." error={error} />
        <div className="field">
          <label htmlFor="schedule-incremental">Incremental column</label>
          <select id="schedule-incremental" name="incrementalColumn" defaultValue="" onChange={(e) => setIncremental(e.currentTarget.value !== "")}>
            <option value="">None: read every row</option>
            {incrementalColumns.map((c) => (
              <option key={c.name} value={c.name}>
                {c.name}
              </option>
            ))}
          </select>
        </div>
        <button type="submit" disabled={busy}>
          Add Schedule
        </button>
      </div>
      {confirmable ? (
        <div className="checkbox-row confirm-options">
          <label>
            <input type="checkbox" name="confirmRecords" value="true" checked={confirming} disabled={incremental} onChange={(e) => setConfirm(e.currentTarget.checked)} /> Confirm
            Records
            <span className="hint">
              {incremental ? " — only a Schedule that reads every row can tell a row is gone" : " — after each Run, mark this Source's Records whose row is gone as missing"}
            </span>
          </label>
          <label>
            <input type="checkbox" name="removeMissing" value="true" disabled={!confirming} /> Remove missing Records
            <span className="hint"> — delete them instead (never after a Run that read no rows or had failed imports)</span>
          </label>
        </div>
      ) : null}
      <FormError error={error} fields={["name", "everyMinutes"]} />
    </Form>
  );
}
