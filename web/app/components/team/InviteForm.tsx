import { Form, useNavigation } from "@remix-run/react";
import { useId } from "react";
import { CopyButton } from "../CopyButton";
import { CsrfField } from "../CsrfField";
import { Field } from "../Field";
import { FormError } from "../FormError";
import { RoleSelect } from "../RoleSelect";
import { errorOf } from "../../lib/form-errors";
import type { Role } from "../../lib/types";

interface Invited {
  email: string;
  role: Role;
  link: string;
}

export function InviteForm({ actorRole, result }: { actorRole: Role | null; result: unknown }) {
  const roleId = useId();
  const error = errorOf(result, "invite");
  const invited = result && typeof result === "object" && "invited" in result ? (result.invited as Invited) : null;
  const busy = useNavigation().formData?.get("intent") === "invite";
  return (
    <section className="panel" aria-labelledby="invite-heading">
      <h2 id="invite-heading">Invite someone</h2>
      {invited ? (
        <div className="notice" role="status" data-testid="invitation-link">
          <p>
            Invitation created for <strong>{invited.email}</strong> as {invited.role}. Send them this link; it works once and
            expires in 7 days, and it is shown only now.
          </p>
          <div className="inline">
            <input readOnly value={invited.link} aria-label="Invitation link" className="grow" onFocus={(e) => e.currentTarget.select()} />
            <CopyButton text={invited.link} label="Copy link" />
          </div>
        </div>
      ) : null}
      <Form method="post" className="row-form" key={invited?.link}>
        <CsrfField />
        <input type="hidden" name="intent" value="invite" />
        <Field label="Email" name="email" type="email" required error={error} />
        <div className="field">
          <label htmlFor={roleId}>Role</label>
          <RoleSelect id={roleId} actorRole={actorRole} defaultValue="editor" />
        </div>
        <button type="submit" className="primary" disabled={busy}>
          {busy ? "Inviting…" : "Send invitation"}
        </button>
      </Form>
      <FormError error={error} fields={["email"]} />
    </section>
  );
}
