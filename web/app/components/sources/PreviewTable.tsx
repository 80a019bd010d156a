import type { Preview } from "../../lib/models";

function cellText(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  return typeof value === "object" ? JSON.stringify(value) : String(value);
}

/** A Source's first rows as they come from the outside system, each column headed by its own type. */
export function PreviewTable({ preview }: { preview: Preview }) {
  if (preview.rows.length === 0) return <p className="muted">The Source has no rows{preview.columns.length ? "" : " or columns"} to show.</p>;
  return (
    <div className="table-scroll">
      <table className="preview" data-testid="preview-table">
        <thead>
          <tr>
            {preview.columns.map((column) => (
              <th scope="col" key={column.name}>
                {column.name}
                <span className="column-type">{column.type}</span>
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {preview.rows.map((row, i) => (
            <tr key={i}>
              {preview.columns.map((column) => {
                const text = cellText(row[column.name]);
                return text === null ? (
                  <td key={column.name} className="null">
                    null
                  </td>
                ) : (
                  <td key={column.name} title={text.length > 40 ? text : undefined}>
                    {text}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
