import type { StoredFile } from "./models";

/**
 * Sends a file as the raw request body to the API on this site's own address, which passes the
 * stream on: nothing reads the whole file into memory on the way. XMLHttpRequest rather than fetch
 * because it reports upload progress.
 */
export function uploadFile(file: File, csrfToken: string, onProgress: (sent: number, total: number) => void): Promise<StoredFile> {
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open("POST", `/api/v1/files?name=${encodeURIComponent(file.name)}`);
    request.setRequestHeader("content-type", "text/csv");
    request.setRequestHeader("x-csrf-token", csrfToken);
    request.responseType = "json";
    request.upload.onprogress = (event) => {
      if (event.lengthComputable) onProgress(event.loaded, event.total);
    };
    request.onload = () => {
      const body = request.response as { file?: StoredFile; error?: { message: string } } | null;
      if (request.status === 201 && body?.file) resolve(body.file);
      else reject(new Error(body?.error?.message ?? `The upload failed (status ${request.status})`));
    };
    request.onerror = () => reject(new Error("The upload was interrupted; check the connection and try again"));
    request.send(file);
  });
}
