import { useId } from "react";
import type { Destination } from "../../lib/destinations";
import { errorField } from "../../lib/form-errors";
import type { ApiError } from "../../lib/types";

/**
 * Which events a Destination forwards, with the Record's mapped fields attached, and whether it
 * also syncs the Records themselves. Any error about the event names shows here.
 */
export function EventSubscription({ saved, error }: { saved?: Destination; error?: ApiError }) {
  const id = useId();
  const erred = errorField(error);
  const message = erred === "eventNames" || erred?.startsWith("eventNames.") ? error?.message : undefined;
  return (
    <section className="panel" aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`}>Events</h2>
      <div className="field">
        <label htmlFor={`${id}-names`}>Events to forward</label>
        <input
          id={`${id}-names`}
          name="eventNames"
          defaultValue={saved?.eventNames.join(", ") ?? ""}
          placeholder="e.g. cart_abandoned, plan_*"
          aria-invalid={message ? true : undefined}
          aria-describedby={`${id}-hint${message ? ` ${id}-error` : ""}`}
        />
        <p className="hint" id={`${id}-hint`}>
          Names separated by commas; a name ending in * takes every event starting with it. Each event of a Record in the collection is sent once its Record is up to date, with the fields
          below.
        </p>
        {message ? (
          <p className="field-error" id={`${id}-error`} role="alert">
            {message}
          </p>
        ) : null}
      </div>
      <div className="checkbox-field">
        <label>
          <input type="checkbox" name="sendRecords" defaultChecked={saved?.sendRecords ?? true} /> Also sync the Records themselves
        </label>
      </div>
    </section>
  );
}
