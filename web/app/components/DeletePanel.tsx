import { Form } from "@remix-run/react";
import { confirmSubmit } from "../lib/confirm";
import type { ApiError } from "../lib/types";
import { CsrfField } from "./CsrfField";
import { FormError } from "./FormError";

interface Props {
  what: string;
  name: string;
  consequence: string;
  error?: ApiError;
}

/** Deleting a thing, asked once more, with the API's reason shown when it refuses (something still depends on it). */
export function DeletePanel({ what, name, consequence, error }: Props) {
  return (
    <section className="panel danger-zone" aria-labelledby="delete-heading">
      <h2 id="delete-heading">Delete this {what}</h2>
      <p className="muted">{consequence}</p>
      <FormError error={error} />
      <Form method="post" onSubmit={confirmSubmit(`Delete the ${what} “${name}”? This cannot be undone.`)}>
        <CsrfField />
        <input type="hidden" name="intent" value="delete" />
        <button type="submit" className="danger">
          Delete {what}
        </button>
      </Form>
    </section>
  );
}
