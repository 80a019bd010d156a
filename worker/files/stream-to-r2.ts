import { ApiError } from "../errors";
import { NAME_METADATA } from "./file-store";

const toHex = (bytes: ArrayBuffer) => [...new Uint8Array(bytes)].map((b) => b.toString(16).padStart(2, "0")).join("");

/**
 * Streams an upload into R2 at its announced length, hashing it on the way: the Worker never holds
 * more than a few chunks of the file. R2 stores an object only when the whole length arrives, so a
 * body that ends early or runs long leaves nothing behind.
 */
export async function streamToR2(
  bucket: R2Bucket,
  key: string,
  body: ReadableStream<Uint8Array>,
  file: { size: number; contentType: string; name: string },
): Promise<{ sha256: string }> {
  const fixed = new FixedLengthStream(file.size);
  const digest = new crypto.DigestStream("SHA-256");
  const hasher = digest.getWriter();
  let received = 0;
  const hashing = new TransformStream<Uint8Array, Uint8Array>({
    async transform(chunk, controller) {
      received += chunk.byteLength;
      await hasher.write(chunk);
      controller.enqueue(chunk);
    },
    flush: () => hasher.close(),
  });
  const [copied, stored] = await Promise.allSettled([
    body.pipeThrough(hashing).pipeTo(fixed.writable),
    bucket.put(key, fixed.readable, { httpMetadata: { contentType: file.contentType }, customMetadata: { [NAME_METADATA]: file.name } }),
  ]);
  if (received !== file.size) {
    await bucket.delete(key);
    throw new ApiError("invalid_request", `The upload did not deliver exactly the ${file.size} bytes its Content-Length announced; nothing was stored`, {
      expectedBytes: file.size,
    });
  }
  const failed = [copied, stored].find((r): r is PromiseRejectedResult => r.status === "rejected");
  if (failed) {
    await bucket.delete(key);
    throw failed.reason;
  }
  return { sha256: toHex(await digest.digest) };
}
