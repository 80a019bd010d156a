import { Form } from "@remix-run/react";
import type { Preview } from "../../lib/models";
import type { ApiError } from "../../lib/types";
import { PlaceholderInputs } from "./PlaceholderInputs";
import { PreviewTable } from "./PreviewTable";

interface Props {
  preview: Preview | null;
  error: ApiError | null;
  placeholderKeys: string[];
  placeholderValues: Record<string, string>;
}

/** A saved Source's first rows, read live; a query's placeholder values travel in the address, so a preview can be shared. */
export function SavedPreview({ preview, error, placeholderKeys, placeholderValues }: Props) {
  return (
    <section className="panel" aria-labelledby="preview-heading">
      <h2 id="preview-heading">Preview</h2>
      {placeholderKeys.length ? (
        <Form method="get" className="placeholder-form">
          <PlaceholderInputs keys={placeholderKeys} values={placeholderValues} />
          <button type="submit">Preview</button>
        </Form>
      ) : null}
      {error ? (
        <p className="form-error" role="alert">
          {error.message}
        </p>
      ) : preview ? (
        <PreviewTable preview={preview} />
      ) : null}
    </section>
  );
}
