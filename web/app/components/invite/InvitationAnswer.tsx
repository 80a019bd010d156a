import { Form, Link, useLocation, useNavigation } from "@remix-run/react";
import { Field } from "../Field";
import { FormError } from "../FormError";
import { errorOf } from "../../lib/form-errors";
import type { InvitationView } from "../../lib/types";
import { NewPasswordField } from "../NewPasswordField";

interface Props {
  invitation: InvitationView;
  me: { email: string; csrfToken: string } | null;
  result: unknown;
}

/** What the person holding the link can do, depending on who they are and whether they have an account. */
export function InvitationAnswer({ invitation, me, result }: Props) {
  const here = useLocation().pathname;
  const busy = useNavigation().state === "submitting";

  if (invitation.status !== "pending") {
    return (
      <p className="notice" role="alert">
        This invitation is {invitation.status} and can no longer be used. Ask a workspace admin for a new one.
      </p>
    );
  }

  if (me && me.email !== invitation.email) {
    return (
      <>
        <p className="notice">
          You are logged in as <strong>{me.email}</strong>. Log out to join as {invitation.email}; you will come back to this page.
        </p>
        <Form method="post" action="/logout">
          <input type="hidden" name="csrf" value={me.csrfToken} />
          <input type="hidden" name="next" value={here} />
          <button type="submit">Log out</button>
        </Form>
      </>
    );
  }

  if (me) {
    const error = errorOf(result, "accept");
    return (
      <Form method="post">
        <input type="hidden" name="csrf" value={me.csrfToken} />
        <input type="hidden" name="intent" value="accept" />
        <FormError error={error} />
        <button type="submit" className="primary" disabled={busy}>
          Accept and join {invitation.workspace.name}
        </button>
      </Form>
    );
  }

  if (invitation.accountExists) {
    return (
      <p>
        You already have a Groupflow account. <Link to={`/login?next=${encodeURIComponent(here)}`}>Log in to accept</Link>.
      </p>
    );
  }

  const error = errorOf(result, "create-account");
  return (
    <Form method="post">
      <input type="hidden" name="intent" value="create-account" />
      <p className="muted">Create your account to join.</p>
      <FormError error={error} fields={["name", "password"]} />
      <Field label="Your name" name="name" autoComplete="name" required maxLength={100} error={error} autoFocus />
      <NewPasswordField error={error} />
      <button type="submit" className="primary" disabled={busy}>
        {busy ? "Joining…" : "Create account and join"}
      </button>
    </Form>
  );
}
