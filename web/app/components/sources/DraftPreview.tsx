import type { Preview } from "../../lib/models";
import type { ApiError } from "../../lib/types";
import { PlaceholderInputs } from "./PlaceholderInputs";
import { PreviewTable } from "./PreviewTable";

interface Props {
  placeholderKeys: string[];
  placeholderValues: Record<string, string>;
  setPlaceholderValue(key: string, value: string): void;
  onPreview(): void;
  busy: boolean;
  preview: Preview | null;
  error?: ApiError;
}

/** The rows the options read so far, before the Source exists. */
export function DraftPreview({ placeholderKeys, placeholderValues, setPlaceholderValue, onPreview, busy, preview, error }: Props) {
  return (
    <section className="panel" aria-labelledby="preview-heading">
      <div className="panel-header">
        <h2 id="preview-heading">Preview</h2>
        <button type="button" onClick={onPreview} disabled={busy}>
          {busy ? "Reading…" : "Preview"}
        </button>
      </div>
      {placeholderKeys.length ? <PlaceholderInputs keys={placeholderKeys} values={placeholderValues} onChange={setPlaceholderValue} /> : null}
      {error ? (
        <p className="form-error" role="alert">
          {error.message}
        </p>
      ) : preview ? (
        <PreviewTable preview={preview} />
      ) : (
        <p className="muted">Fill in the options, then preview the first rows.</p>
      )}
    </section>
  );
}
