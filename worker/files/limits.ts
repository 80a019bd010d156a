/**
 * The largest upload the API takes. Workers accept request bodies of 100 MB on the Free and Pro
 * plans and 200 MB on Business, so this is the most any plan but Enterprise can deliver.
 */
export const MAX_FILE_BYTES = 200 * 1024 * 1024;

/** Media types an upload may declare; browsers send either for a .csv, depending on the system. */
export const UPLOAD_MEDIA_TYPES = ["text/csv", "application/octet-stream"] as const;
