import { Form } from "@remix-run/react";
import { CsrfField } from "../CsrfField";
import { FormError } from "../FormError";
import { confirmSubmit } from "../../lib/confirm";
import { formatDay, formatMoment } from "../../lib/format";
import { errorOf } from "../../lib/form-errors";
import type { ApiKey } from "../../lib/types";

export function KeyTable({ apiKeys, result }: { apiKeys: ApiKey[]; result: unknown }) {
  return (
    <section className="panel" aria-labelledby="keys-heading">
      <h2 id="keys-heading">Keys ({apiKeys.length})</h2>
      {apiKeys.length === 0 ? (
        <p className="muted">No API keys yet.</p>
      ) : (
        <table className="keys">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Key</th>
              <th scope="col">Scopes</th>
              <th scope="col">Created</th>
              <th scope="col">Last used</th>
              <th scope="col">Expires</th>
              <th scope="col">Status</th>
            </tr>
          </thead>
          <tbody>
            {apiKeys.map((key) => (
              <tr key={key.id} className={key.revokedAt ? "revoked" : undefined}>
                <td>{key.name}</td>
                <td>
                  <code>gf_live_{key.prefix}_…</code>
                </td>
                <td className="scope-list">{key.scopes.join(", ")}</td>
                <td>{formatDay(key.createdAt)}</td>
                <td>{key.lastUsedAt ? formatMoment(key.lastUsedAt) : "Never"}</td>
                <td>{key.expiresAt ? formatDay(key.expiresAt) : "Never"}</td>
                <td>
                  {key.revokedAt ? (
                    `Revoked ${formatDay(key.revokedAt)}`
                  ) : (
                    <Form method="post" onSubmit={confirmSubmit(`Revoke “${key.name}”? Programs using it stop working at once.`)}>
                      <CsrfField />
                      <input type="hidden" name="intent" value="revoke" />
                      <input type="hidden" name="id" value={key.id} />
                      <button type="submit" className="danger" aria-label={`Revoke ${key.name}`}>
                        Revoke
                      </button>
                    </Form>
                  )}
                  <FormError error={errorOf(result, "revoke", key.id)} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
