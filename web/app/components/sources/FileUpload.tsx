import { useId, useState } from "react";
import { formatSize } from "../../lib/file-size";
import type { StoredFile } from "../../lib/models";
import { uploadFile } from "../../lib/upload";
import { useSession } from "../../lib/use-session";

type State = { phase: "idle" } | { phase: "sending"; name: string; sent: number; total: number } | { phase: "failed"; message: string } | { phase: "done"; file: StoredFile };

/** Uploads a CSV file from this computer, with its progress, and hands the stored file on to be chosen. */
export function FileUpload({ onUploaded }: { onUploaded(file: StoredFile): void }) {
  const id = useId();
  const csrf = useSession().csrfToken;
  const [state, setState] = useState<State>({ phase: "idle" });
  const send = (file: File) => {
    setState({ phase: "sending", name: file.name, sent: 0, total: file.size });
    uploadFile(file, csrf, (sent, total) => setState({ phase: "sending", name: file.name, sent, total })).then(
      (stored) => {
        setState({ phase: "done", file: stored });
        onUploaded(stored);
      },
      (error: Error) => setState({ phase: "failed", message: error.message }),
    );
  };
  return (
    <div className="upload">
      <label htmlFor={id} className="upload-label">
        Upload a CSV file
      </label>
      <input
        id={id}
        type="file"
        accept=".csv,text/csv"
        disabled={state.phase === "sending"}
        onChange={(event) => {
          const file = event.currentTarget.files?.[0];
          if (file) send(file);
        }}
      />
      {state.phase === "sending" ? (
        <div className="upload-progress" role="status">
          <progress value={state.sent} max={state.total || 1} aria-label={`Uploading ${state.name}`} />
          <span>
            {formatSize(state.sent)} of {formatSize(state.total)}
          </span>
        </div>
      ) : null}
      {state.phase === "done" ? (
        <p className="hint" role="status">
          Uploaded {state.file.name} ({formatSize(state.file.size)}).
        </p>
      ) : null}
      {state.phase === "failed" ? (
        <p className="field-error" role="alert">
          {state.message}
        </p>
      ) : null}
    </div>
  );
}
