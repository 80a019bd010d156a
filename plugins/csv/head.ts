import type { PluginContext } from "../contract";
import { fileNotFound } from "./errors";

/** How much of a file's beginning is read to detect its delimiter, header and column types. */
export const HEAD_BYTES = 64 * 1024;

/** The first `HEAD_BYTES` (or so) of a file, without reading the rest. */
export async function readHead(ctx: PluginContext, fileId: string): Promise<Uint8Array> {
  ctx.onQuery?.(`read the first ${HEAD_BYTES} bytes of ${fileId}`);
  const body = await ctx.files.read(fileId);
  if (!body) throw fileNotFound(fileId);
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let length = 0;
  try {
    while (length < HEAD_BYTES) {
      ctx.signal.throwIfAborted();
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      length += value.byteLength;
    }
  } finally {
    await reader.cancel();
  }
  const head = new Uint8Array(Math.min(length, HEAD_BYTES));
  let at = 0;
  for (const chunk of chunks) {
    const part = chunk.subarray(0, head.byteLength - at);
    head.set(part, at);
    at += part.byteLength;
    if (at === head.byteLength) break;
  }
  return head;
}
