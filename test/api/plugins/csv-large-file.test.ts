import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import type { FileStore, PluginContext } from "../../../plugins/contract";
import { fileKey, tenantFileStore } from "../../../worker/files/file-store";
import { api, signUp, type Workspace } from "../../support/api";
import { fileSource, sourceOptions, upload } from "./csv-fixtures";

/**
 * A file past 100 MiB, generated row by row as the upload consumes it, so neither this test nor
 * the Worker ever holds it whole. Rows have a fixed width, which makes the length known up front.
 */
const HEADER = "id,email,country,amount\n";
const ROWS = 2_300_000;
const COUNTRIES = ["US", "GB", "DE", "FR", "BR"];
const pad = (n: number, width: number) => String(n).padStart(width, "0");
const line = (i: number) => `${pad(i, 9)},user${pad(i, 9)}@example.com,${COUNTRIES[i % 5]},${pad(i % 10000, 4)}.${pad(i % 100, 2)}\n`;
const ROW_BYTES = line(1).length;
const SIZE = HEADER.length + ROWS * ROW_BYTES;
const MIB = 1024 * 1024;

function generated(digest: WritableStreamDefaultWriter<Uint8Array>): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let next = 1;
  return new ReadableStream({
    async start(controller) {
      const head = encoder.encode(HEADER);
      await digest.write(head);
      controller.enqueue(head);
    },
    async pull(controller) {
      if (next > ROWS) {
        await digest.close();
        controller.close();
        return;
      }
      const last = Math.min(ROWS, next + 9_999);
      let text = "";
      for (let i = next; i <= last; i++) text += line(i);
      next = last + 1;
      const chunk = encoder.encode(text);
      await digest.write(chunk);
      controller.enqueue(chunk);
    },
  });
}

/** The workspace's file store, counting what each read actually pulls from storage. */
function countingStore(inner: FileStore) {
  const reads: { offset: number; bytes: number }[] = [];
  const store: FileStore = {
    size: (id) => inner.size(id),
    async read(id, options) {
      const body = await inner.read(id, options);
      if (!body) return body;
      const read = { offset: options?.offset ?? 0, bytes: 0 };
      reads.push(read);
      return body.pipeThrough(
        new TransformStream<Uint8Array, Uint8Array>({
          transform(chunk, controller) {
            read.bytes += chunk.byteLength;
            controller.enqueue(chunk);
          },
        }),
      );
    },
  };
  return { store, reads };
}

let ws: Workspace;
let file: { id: string; size: number; sha256: string };
let expectedSha: string;

beforeAll(async () => {
  ws = await signUp("bigcsv");
  const digest = new crypto.DigestStream("SHA-256");
  const res = await upload(ws.owner, "big.csv", generated(digest.getWriter()), { length: SIZE });
  if (res.status !== 201) throw new Error(JSON.stringify(res.body));
  file = res.body.file;
  expectedSha = [...new Uint8Array(await digest.digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}, 300_000);

describe("a CSV upload past 100 MiB", () => {
  it("is stored whole: every byte, at the declared size", async () => {
    expect(SIZE).toBeGreaterThan(100 * MIB);
    expect(file.size).toBe(SIZE);
    expect(file.sha256).toBe(expectedSha);
    expect((await api("GET", `/files/${file.id}`, { as: ws.owner })).body.file.size).toBe(SIZE);
    expect((await env.FILES.head(fileKey(ws.workspace.id, file.id)))!.size).toBe(SIZE);
  });

  it("gives its columns and pages from its head and cursors, reading a bounded part of it", async () => {
    const { store, reads } = countingStore(tenantFileStore(env.FILES, ws.workspace.id));
    const ctx: PluginContext = { tenantId: ws.workspace.id, signal: new AbortController().signal, files: store };
    const options = sourceOptions(file.id);

    const columns = await fileSource.columns({}, options, ctx);
    expect(columns).toEqual([
      { name: "id", type: "integer", incremental: true },
      { name: "email", type: "text", incremental: false },
      { name: "country", type: "text", incremental: false },
      { name: "amount", type: "decimal", incremental: false },
    ]);

    const first = await fileSource.importRecords!({}, options, { cursor: null, limit: 1000 }, ctx);
    const second = await fileSource.importRecords!({}, options, { cursor: first.nextCursor, limit: 1000 }, ctx);
    expect(first.rows.map((r) => Number(r.id))).toEqual(Array.from({ length: 1000 }, (_, i) => i + 1));
    expect(second.rows.map((r) => Number(r.id))).toEqual(Array.from({ length: 1000 }, (_, i) => i + 1001));
    expect(second.rows[999]).toEqual({ id: pad(2000, 9), email: `user${pad(2000, 9)}@example.com`, country: "US", amount: "2000.00" });

    // The second page's rows start right after the first page's, and no read pulled more than a few MiB of 100+.
    const rowReads = reads.filter((r) => r.offset > 0);
    expect(rowReads.map((r) => r.offset)).toEqual([HEADER.length, HEADER.length + 1000 * ROW_BYTES]);
    for (const read of reads) expect(read.bytes).toBeLessThan(4 * MIB);
  });

  it("previews through the API on a Source over it", async () => {
    const app = (await api("POST", "/apps", { as: ws.owner, body: { name: "Big", plugin: "csv", type: "csv" } })).body.app;
    const source = await api("POST", "/sources", {
      as: ws.owner,
      body: { appId: app.id, name: "Big", type: "file", options: { fileId: file.id }, identity: { column: "email", propertyKey: "email", propertyType: "email" } },
    });
    expect(source.status).toBe(201);
    const preview = await api("GET", `/sources/${source.body.source.id}/preview?limit=2`, { as: ws.owner });
    expect(preview.body.preview.rows).toEqual([
      { id: pad(1, 9), email: `user${pad(1, 9)}@example.com`, country: "GB", amount: "0001.01" },
      { id: pad(2, 9), email: `user${pad(2, 9)}@example.com`, country: "DE", amount: "0002.02" },
    ]);
  });
});
