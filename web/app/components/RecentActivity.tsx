import { formatMoment } from "../lib/format";
import type { AuditEntry } from "../lib/types";

/** The latest audit entries; actors that are people are shown by name, API keys by id. */
export function RecentActivity({ entries, people }: { entries: AuditEntry[]; people: Record<string, string> }) {
  return (
    <section className="panel" aria-labelledby="recent-activity">
      <h2 id="recent-activity">Recent activity</h2>
      {entries.length === 0 ? (
        <p className="muted">Nothing has happened yet.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Who</th>
              <th scope="col">What</th>
            </tr>
          </thead>
          <tbody>
            {entries.map((entry) => (
              <tr key={entry.id}>
                <td>{formatMoment(entry.createdAt)}</td>
                <td>{people[entry.actorId] ?? entry.actorId}</td>
                <td>
                  <code>{entry.action}</code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
