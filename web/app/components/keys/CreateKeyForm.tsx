import { Form, useNavigation } from "@remix-run/react";
import { CsrfField } from "../CsrfField";
import { Field } from "../Field";
import { FormError } from "../FormError";
import { ScopePicker } from "./ScopePicker";
import { errorField, errorOf } from "../../lib/form-errors";

export function CreateKeyForm({ result }: { result: unknown }) {
  const error = errorOf(result, "create");
  const busy = useNavigation().formData?.get("intent") === "create";
  return (
    <section className="panel" aria-labelledby="create-key-heading">
      <h2 id="create-key-heading">Create an API key</h2>
      <Form method="post">
        <CsrfField />
        <input type="hidden" name="intent" value="create" />
        <FormError error={error} fields={["name", "expiresAt", "scopes"]} />
        <Field label="Name" name="name" required maxLength={100} placeholder="e.g. Warehouse sync" error={error} />
        <Field label="Expires on (optional)" name="expiresAt" type="date" hint="The key stops working at the end of this day (UTC)." error={error} />
        <ScopePicker error={errorField(error) === "scopes" ? error?.message : undefined} />
        <button type="submit" className="primary" disabled={busy}>
          {busy ? "Creating…" : "Create API key"}
        </button>
      </Form>
    </section>
  );
}
