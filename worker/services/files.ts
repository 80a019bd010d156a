import { desc, eq, sql } from "drizzle-orm";
import type { Actor } from "../context";
import { files, sources, type StoredFile } from "../db/schema";
import type { TenantScope } from "../db/tenant-scope";
import type { Env } from "../env";
import { ApiError, notFound } from "../errors";
import { fileKey } from "../files/file-store";
import { streamToR2 } from "../files/stream-to-r2";
import { newId } from "../ids";
import { auditEntry } from "./audit-log";

export function publicFile(file: StoredFile) {
  return {
    id: file.id,
    name: file.name,
    size: file.size,
    contentType: file.contentType,
    sha256: file.sha256,
    uploadedBy: file.uploadedBy,
    createdAt: file.createdAt,
  };
}

export async function findFile(scope: TenantScope, fileId: string): Promise<StoredFile> {
  const file = await scope.findOne(files, eq(files.id, fileId));
  if (!file) throw notFound("File");
  return file;
}

export const listFiles = (scope: TenantScope) => scope.select(files).orderBy(desc(files.createdAt), desc(files.id));

/** Stores the bytes first and records the file after, so a file row always has its bytes; a failed record removes them again. */
export async function uploadFile(
  scope: TenantScope,
  env: Env,
  actor: Actor,
  requestId: string,
  input: { name: string; contentType: string; size: number; body: ReadableStream<Uint8Array> },
): Promise<StoredFile> {
  const id = newId("fil");
  const key = fileKey(scope.tenantId, id);
  const { sha256 } = await streamToR2(env.FILES, key, input.body, input);
  const file: StoredFile = {
    id,
    tenantId: scope.tenantId,
    name: input.name,
    size: input.size,
    contentType: input.contentType,
    sha256,
    uploadedBy: actor.id,
    createdAt: new Date(),
  };
  try {
    await scope.db.batch([
      scope.insert(files, file),
      auditEntry(scope, actor, requestId, { action: "file.upload", targetType: "file", targetId: id, after: { name: file.name, size: file.size, contentType: file.contentType, sha256 } }),
    ]);
  } catch (err) {
    await env.FILES.delete(key);
    throw err;
  }
  return file;
}

/** The Sources whose options name this file (CSV Sources keep it as `fileId`). */
const sourcesReading = (scope: TenantScope, fileId: string) => scope.select(sources, sql`json_extract(${sources.options}, '$.fileId') = ${fileId}`).limit(50);

export async function deleteFile(scope: TenantScope, env: Env, actor: Actor, requestId: string, fileId: string) {
  const file = await findFile(scope, fileId);
  const readers = await sourcesReading(scope, fileId);
  if (readers.length) {
    throw new ApiError("conflict", `Sources still read this file: ${readers.map((s) => s.name).join(", ")}; delete them or point them at another file first`, {
      sources: readers.map((s) => s.id),
    });
  }
  // Bytes first: if removing the row then fails, the file is still listed and deleting it again finishes the job.
  await env.FILES.delete(fileKey(scope.tenantId, fileId));
  await scope.db.batch([
    scope.delete(files, eq(files.id, fileId)),
    auditEntry(scope, actor, requestId, { action: "file.delete", targetType: "file", targetId: fileId, before: { name: file.name, size: file.size, sha256: file.sha256 } }),
  ]);
}
