import { Link } from "@remix-run/react";
import type { GroupPreview } from "../../lib/groups";
import { showValue } from "../../lib/runs";
import { formatMoment } from "../../lib/format";
import { CREATED_AT, CREATED_AT_LABEL, type RuleTreeError } from "../../lib/rules";

interface Props {
  preview: GroupPreview | null;
  /** The Properties the rules name: the values worth seeing beside each Record. */
  keys: string[];
  /** Whether the draft changed since the preview shown was worked out. */
  stale: boolean;
  /** The draft's errors: while there are any, no count is shown, since none would be true. */
  errors: RuleTreeError[];
  /** Errors no rule shows, and refusals that are not about the rules at all. */
  messages: string[];
}

/** How many Records the rules being edited take in, and a few of them, so a person sees what a change does before saving it. */
export function RulePreview({ preview, keys, stale, errors, messages }: Props) {
  const cell = (record: GroupPreview["sample"][number], key: string) => (key === CREATED_AT ? formatMoment(record.createdAt) : showValue(record.values[key] ?? null));
  let summary;
  if (errors.length || messages.length) {
    summary = (
      <>
        <p className="preview-count">
          {errors.length
            ? `${errors.length} ${errors.length === 1 ? "problem needs" : "problems need"} fixing before Records can be counted; each is shown at its rule.`
            : "Records could not be counted."}
        </p>
        {messages.map((m) => (
          <p key={m} className="field-error">
            {m}
          </p>
        ))}
      </>
    );
  } else if (preview) {
    summary = (
      <p className="preview-count" data-testid="preview-count">
        <strong>{preview.count.toLocaleString("en-US")}</strong> matching {preview.count === 1 ? "Record" : "Records"}
      </p>
    );
  } else {
    summary = <p className="muted">Counting…</p>;
  }

  return (
    <section className="rule-preview" aria-labelledby="rule-preview-heading" aria-busy={stale}>
      <h3 id="rule-preview-heading">Preview{stale ? <span className="muted"> · updating…</span> : null}</h3>
      <div role="status">{summary}</div>
      {preview && preview.sample.length && !errors.length && !messages.length ? (
        <div className="table-scroll">
          <table className="preview" aria-label="The newest matching Records">
            <thead>
              <tr>
                <th scope="col">Record</th>
                {keys.map((key) => (
                  <th key={key} scope="col">
                    {key === CREATED_AT ? CREATED_AT_LABEL : key}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {preview.sample.map((record) => (
                <tr key={record.id}>
                  <td>
                    <Link to={`/records/${record.id}`}>
                      <code>{record.id}</code>
                    </Link>
                  </td>
                  {keys.map((key) => (
                    <td key={key}>{cell(record, key)}</td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}
