import type { Column } from "../../lib/models";

/** A Source's columns with their types; incremental ones can mark how far an import has read. */
export function ColumnList({ columns }: { columns: Column[] }) {
  return (
    <table className="columns">
      <thead>
        <tr>
          <th scope="col">Column</th>
          <th scope="col">Type</th>
          <th scope="col">Incremental</th>
        </tr>
      </thead>
      <tbody>
        {columns.map((column) => (
          <tr key={column.name}>
            <td>
              <code>{column.name}</code>
            </td>
            <td>{column.type}</td>
            <td>{column.incremental ? <span className="incremental" title="Can serve as the high-water mark of incremental imports">✓ incremental</span> : null}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
