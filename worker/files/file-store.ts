import type { FileStore } from "../../plugins/contract";

/** Files live under their workspace's prefix, so a file id from another workspace finds nothing. */
export const fileKey = (tenantId: string, fileId: string) => `tenants/${tenantId}/files/${fileId}`;

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
  };
}
