import { errorField } from "../lib/form-errors";
import type { ApiError } from "../lib/types";

/** The API's message for a form, unless a field of that form already shows it. */
export function FormError({ error, fields = [] }: { error?: ApiError; fields?: string[] }) {
  if (!error) return null;
  const field = errorField(error);
  if (field && fields.includes(field)) return null;
  return (
    <p className="form-error" role="alert">
      {error.message}
    </p>
  );
}
