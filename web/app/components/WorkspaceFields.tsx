import { useRef } from "react";
import type { ApiError } from "../lib/types";
import { suggestSlug } from "../lib/slug";
import { Field } from "./Field";

/**
 * Workspace name and address, the address following the name until the person edits it.
 * The inputs stay uncontrolled so nothing typed before the page hydrates is lost.
 */
export function WorkspaceFields({ nameField, slugField, error }: { nameField: string; slugField: string; error?: ApiError }) {
  const slug = useRef<HTMLInputElement>(null);
  const edited = useRef(false);
  return (
    <>
      <Field
        label="Workspace name"
        name={nameField}
        required
        maxLength={100}
        error={error}
        onChange={(event) => {
          if (slug.current && !edited.current) slug.current.value = suggestSlug(event.currentTarget.value);
        }}
      />
      <Field
        ref={slug}
        label="Workspace address"
        name={slugField}
        required
        minLength={3}
        maxLength={40}
        pattern="[a-z0-9][a-z0-9\-]{1,38}[a-z0-9]"
        hint="3–40 lowercase letters, digits or dashes. It identifies your workspace."
        error={error}
        onChange={(event) => {
          edited.current = event.currentTarget.value !== "";
        }}
      />
    </>
  );
}
