import { useSession } from "../lib/use-session";

/** The session's CSRF token, which the action sends on as the header the API requires. */
export function CsrfField() {
  return <input type="hidden" name="csrf" value={useSession().csrfToken} />;
}
