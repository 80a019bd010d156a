import type { Export } from "../../lib/destinations";
import { PayloadValue } from "./PayloadValue";

/** What an Export changes: each field and list it sends, beside what the Destination held before. */
export function ExportChanges({ exp }: { exp: Export }) {
  const before = exp.oldValues;
  const after = exp.newValues;
  const keys = [...new Set([...Object.keys(after.fields), ...Object.keys(before?.fields ?? {})])];
  const changed = keys.filter((k) => exp.toDelete || JSON.stringify(before?.fields[k] ?? null) !== JSON.stringify(after.fields[k] ?? null));
  const added = after.lists.filter((l) => !(before?.lists ?? []).includes(l));
  const removed = (before?.lists ?? []).filter((l) => !after.lists.includes(l));
  return (
    <dl className="changes">
      {changed.map((key) => (
        <div key={key}>
          <dt>{key}</dt>
          <dd>
            {before ? (
              <>
                <del>
                  <PayloadValue value={before.fields[key]} />
                </del>{" "}
                →{" "}
              </>
            ) : null}
            {exp.toDelete ? <span className="muted">removed</span> : <PayloadValue value={after.fields[key]} />}
          </dd>
        </div>
      ))}
      {added.length ? (
        <div>
          <dt>lists</dt>
          <dd>+ {added.join(", ")}</dd>
        </div>
      ) : null}
      {removed.length ? (
        <div>
          <dt>lists</dt>
          <dd>− {removed.join(", ")}</dd>
        </div>
      ) : null}
      {!changed.length && !added.length && !removed.length ? <span className="muted">No field changes</span> : null}
    </dl>
  );
}
