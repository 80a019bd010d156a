import { Form } from "@remix-run/react";
import { CsrfField } from "../CsrfField";
import { FormError } from "../FormError";
import { RoleSelect } from "../RoleSelect";
import { formatDay } from "../../lib/format";
import { errorOf } from "../../lib/form-errors";
import { canManage, type Member, type SessionView } from "../../lib/types";
import { confirmSubmit } from "../../lib/confirm";

interface Props {
  members: Member[];
  session: SessionView;
  result: unknown;
}

export function MemberTable({ members, session, result }: Props) {
  const manager = canManage(session.role);
  return (
    <section className="panel" aria-labelledby="members-heading">
      <h2 id="members-heading">Members ({members.length})</h2>
      <table className="members">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Email</th>
            <th scope="col">Role</th>
            <th scope="col">Joined</th>
            {manager ? <th scope="col"><span className="visually-hidden">Actions</span></th> : null}
          </tr>
        </thead>
        <tbody>
          {members.map((member) => {
            // Admins cannot touch owners, so owners' rows stay read-only for them.
            const editable = manager && (session.role === "owner" || member.role !== "owner");
            const error = errorOf(result, "change-role", member.id) ?? errorOf(result, "remove", member.id);
            return (
              <tr key={member.id}>
                <td>
                  {member.name}
                  {member.userId === session.user.id ? <span className="badge">you</span> : null}
                </td>
                <td>{member.email}</td>
                <td>
                  {editable ? (
                    <Form method="post" className="inline" key={member.role}>
                      <CsrfField />
                      <input type="hidden" name="intent" value="change-role" />
                      <input type="hidden" name="id" value={member.id} />
                      <RoleSelect actorRole={session.role} defaultValue={member.role} aria-label={`Role of ${member.name}`} />
                      <button type="submit">Save</button>
                    </Form>
                  ) : (
                    member.role
                  )}
                  <FormError error={error} />
                </td>
                <td>{formatDay(member.joinedAt)}</td>
                {manager ? (
                  <td>
                    {editable ? (
                      <Form method="post" onSubmit={confirmSubmit(`Remove ${member.name} from this workspace?`)}>
                        <CsrfField />
                        <input type="hidden" name="intent" value="remove" />
                        <input type="hidden" name="id" value={member.id} />
                        <button type="submit" className="danger" aria-label={`Remove ${member.name}`}>
                          Remove
                        </button>
                      </Form>
                    ) : null}
                  </td>
                ) : null}
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}
