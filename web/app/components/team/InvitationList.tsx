import { Form } from "@remix-run/react";
import { CsrfField } from "../CsrfField";
import { FormError } from "../FormError";
import { formatDay } from "../../lib/format";
import { errorOf } from "../../lib/form-errors";
import type { Invitation } from "../../lib/types";

export function InvitationList({ invitations, manager, result }: { invitations: Invitation[]; manager: boolean; result: unknown }) {
  return (
    <section className="panel" aria-labelledby="invitations-heading">
      <h2 id="invitations-heading">Pending invitations ({invitations.length})</h2>
      {invitations.length === 0 ? (
        <p className="muted">No one is waiting to join.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">Email</th>
              <th scope="col">Role</th>
              <th scope="col">Invited</th>
              <th scope="col">Expires</th>
              {manager ? <th scope="col"><span className="visually-hidden">Actions</span></th> : null}
            </tr>
          </thead>
          <tbody>
            {invitations.map((invitation) => (
              <tr key={invitation.id}>
                <td>{invitation.email}</td>
                <td>{invitation.role}</td>
                <td>{formatDay(invitation.createdAt)}</td>
                <td>{formatDay(invitation.expiresAt)}</td>
                {manager ? (
                  <td>
                    <Form method="post">
                      <CsrfField />
                      <input type="hidden" name="intent" value="revoke" />
                      <input type="hidden" name="id" value={invitation.id} />
                      <button type="submit" className="danger" aria-label={`Revoke the invitation for ${invitation.email}`}>
                        Revoke
                      </button>
                    </Form>
                    <FormError error={errorOf(result, "revoke", invitation.id)} />
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
