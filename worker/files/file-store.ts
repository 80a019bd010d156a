import type { FileStore } from "../../plugins/contract";

/** Files live under their workspace's prefix, so a file id from another workspace finds nothing. */
export const fileKey = (tenantId: string, fileId: string) => `tenants/${tenantId}/files/${fileId}`;

export function tenantFileStore(bucket: R2Bucket, tenantId: string): FileStore {
  return {
    async read(fileId) {
      const object = await bucket.get(fileKey(tenantId, fileId));
      return object ? object.body : null;
    },
  };
}
