import type { FileStore, StoredFileSummary } from "../../plugins/contract";

/** Files live under their workspace's prefix, so a file id from another workspace finds nothing. */
export const fileKey = (tenantId: string, fileId: string) => `tenants/${tenantId}/files/${fileId}`;
const filesPrefix = (tenantId: string) => `tenants/${tenantId}/files/`;

/** The upload's file name rides along in R2 so a plugin can list files without reaching D1. */
export const NAME_METADATA = "name";

/** The base workers types predate `include`; the runtime honours it from compatibility date 2022-08-04 on. */
type ListWithMetadata = R2ListOptions & { include: "customMetadata"[] };

export function tenantFileStore(bucket: R2Bucket, tenantId: string): FileStore {
  return {
    async read(fileId, options) {
      const offset = options?.offset ?? 0;
      const object = await bucket.get(fileKey(tenantId, fileId), offset > 0 ? { range: { offset } } : undefined);
      return object ? object.body : null;
    },
    async size(fileId) {
      const head = await bucket.head(fileKey(tenantId, fileId));
      return head ? head.size : null;
    },
    async list() {
      const prefix = filesPrefix(tenantId);
      const found: StoredFileSummary[] = [];
      let cursor: string | undefined;
      do {
        const options: ListWithMetadata = { prefix, cursor, include: ["customMetadata"] };
        const page = await bucket.list(options);
        for (const object of page.objects) {
          const id = object.key.slice(prefix.length);
          found.push({ id, name: object.customMetadata?.[NAME_METADATA] ?? id, size: object.size, uploadedAt: object.uploaded });
        }
        cursor = page.truncated ? page.cursor : undefined;
      } while (cursor);
      return found.sort((a, b) => b.uploadedAt.getTime() - a.uploadedAt.getTime());
    },
  };
}
