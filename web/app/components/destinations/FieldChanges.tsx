import { PayloadValue } from "./PayloadValue";

export interface FieldChange {
  key: string;
  before?: unknown;
  after?: unknown;
}

interface Props {
  changes: FieldChange[];
  lists: { add: string[]; remove: string[] };
  /** What the Destination held is shown struck through before each new value; a new Record there had nothing. */
  showBefore: boolean;
  /** A removal takes every field away. */
  removal: boolean;
}

/** Field by field, what a change does to a Record in a Destination: before → after, and the lists it joins or leaves. */
export function FieldChanges({ changes, lists, showBefore, removal }: Props) {
  return (
    <dl className="changes">
      {changes.map(({ key, before, after }) => (
        <div key={key}>
          <dt>{key}</dt>
          <dd>
            {showBefore ? (
              <>
                <del>
                  <PayloadValue value={before} />
                </del>{" "}
                →{" "}
              </>
            ) : null}
            {removal ? <span className="muted">removed</span> : <PayloadValue value={after} />}
          </dd>
        </div>
      ))}
      {lists.add.length ? (
        <div>
          <dt>lists</dt>
          <dd>+ {lists.add.join(", ")}</dd>
        </div>
      ) : null}
      {lists.remove.length ? (
        <div>
          <dt>lists</dt>
          <dd>− {lists.remove.join(", ")}</dd>
        </div>
      ) : null}
      {!changes.length && !lists.add.length && !lists.remove.length ? <span className="muted">No field changes</span> : null}
    </dl>
  );
}
