import type { GroupList } from "../../lib/destinations";
import { errorField } from "../../lib/form-errors";
import type { ApiError } from "../../lib/types";

interface Props {
  /** What a Group's membership becomes there, e.g. a tag or a static list. */
  label: string;
  groups: { id: string; name: string }[];
  rows: GroupList[];
  setRows(rows: GroupList[]): void;
  error?: ApiError;
}

/** Which Groups' members carry a list or tag there, and its name: joining the Group adds it, leaving removes it. */
export function GroupListEditor({ label, groups, rows, setRows, error }: Props) {
  const update = (i: number, change: Partial<GroupList>) => setRows(rows.map((r, j) => (j === i ? { ...r, ...change } : r)));
  const field = errorField(error);
  const messageFor = (i: number) => (field === `groupLists.${i}.groupId` || field === `groupLists.${i}.remote` ? error?.message : undefined);
  return (
    <fieldset className="group-lists">
      <legend>Groups as {label}</legend>
      {field === "groupLists" ? (
        <p className="field-error" role="alert">
          {error?.message}
        </p>
      ) : null}
      {rows.length ? (
        <table className="mapping-rows">
          <thead>
            <tr>
              <th scope="col">Group</th>
              <th scope="col">{label} there</th>
              <th scope="col">
                <span className="visually-hidden">Remove</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row, i) => (
              <tr key={i}>
                <td>
                  <select aria-label={`Group ${i + 1}`} value={row.groupId} onChange={(e) => update(i, { groupId: e.target.value })}>
                    <option value="">Choose a Group…</option>
                    {groups.map((g) => (
                      <option key={g.id} value={g.id}>
                        {g.name}
                      </option>
                    ))}
                  </select>
                  {messageFor(i) ? (
                    <p className="field-error" role="alert">
                      {messageFor(i)}
                    </p>
                  ) : null}
                </td>
                <td>
                  <input aria-label={`${label} for Group ${i + 1}`} value={row.remote} onChange={(e) => update(i, { remote: e.target.value })} maxLength={200} />
                </td>
                <td>
                  <button type="button" className="link-button" onClick={() => setRows(rows.filter((_, j) => j !== i))}>
                    Remove
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p className="hint">No Group memberships are sent.</p>
      )}
      <button
        type="button"
        onClick={() => {
          const group = groups.find((g) => !rows.some((r) => r.groupId === g.id));
          setRows([...rows, { groupId: group?.id ?? "", remote: group?.name ?? "" }]);
        }}
        disabled={!groups.length}
      >
        Add a Group
      </button>
    </fieldset>
  );
}
