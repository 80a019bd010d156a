import { Field } from "./Field";
import type { ApiError } from "../lib/types";

/** The password a person chooses for a new account, with the API's own minimum length. */
export function NewPasswordField({ error }: { error?: ApiError }) {
  return (
    <Field
      label="Password"
      name="password"
      type="password"
      autoComplete="new-password"
      required
      minLength={10}
      hint="At least 10 characters."
      error={error}
    />
  );
}
