import { ACCESS_LEVELS, SCOPE_TOPICS } from "../../lib/scopes";

/** One none/read/write choice per topic; the legend and column headers label every radio for screen readers. */
export function ScopePicker({ error }: { error?: string }) {
  return (
    <fieldset className="scopes" aria-describedby={error ? "scopes-error" : undefined}>
      <legend>Scopes</legend>
      <table>
        <thead>
          <tr>
            <th scope="col">Topic</th>
            {ACCESS_LEVELS.map((level) => (
              <th scope="col" key={level}>
                {level}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {SCOPE_TOPICS.map((topic) => (
            <tr key={topic}>
              <th scope="row">{topic}</th>
              {ACCESS_LEVELS.map((level) => (
                <td key={level}>
                  <input
                    type="radio"
                    name={`scope:${topic}`}
                    value={level}
                    defaultChecked={level === "none"}
                    aria-label={`${level} ${topic}`}
                  />
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      {error ? (
        <p className="field-error" id="scopes-error" role="alert">
          {error}
        </p>
      ) : null}
    </fieldset>
  );
}
