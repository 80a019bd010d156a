import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { MAX_JSON_BODY_BYTES } from "../../worker/app";
import { MAX_FILE_BYTES } from "../../worker/files/limits";
import { addMember, api, type Caller, createKey, signUp, storedObjects, tableCounts } from "../support/api";
import { upload, usersCsv } from "./plugins/csv-fixtures";

const hex = async (bytes: Uint8Array) => [...new Uint8Array(await crypto.subtle.digest("SHA-256", bytes))].map((b) => b.toString(16).padStart(2, "0")).join("");

/** A stream of `total` bytes that can be told to stop early or run long, to lie about its length. */
function bytesStream(total: number): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      controller.enqueue(new TextEncoder().encode("a,b\n1,2\n".repeat(Math.ceil(total / 8)).slice(0, total)));
      controller.close();
    },
  });
}

/** A refused upload answers with the one error shape and leaves no row and no stored object anywhere. */
async function expectRefused(send: () => Promise<{ status: number; body: any }>, status: number, code: string) {
  const before = { counts: await tableCounts(), objects: await storedObjects("tenants/") };
  const res = await send();
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(res.body.error.code).toBe(code);
  expect(res.body.error.message.length).toBeGreaterThan(10);
  expect({ counts: await tableCounts(), objects: await storedObjects("tenants/") }).toEqual(before);
  return res.body.error;
}

describe("file uploads", () => {
  it("streams an upload into the workspace's storage and lists it with its size and SHA-256", async () => {
    const ws = await signUp("files");
    const csv = usersCsv(1500);
    const bytes = new TextEncoder().encode(csv);
    const res = await upload(ws.owner, "customers.csv", csv);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const file = res.body.file;
    expect(file).toMatchObject({ name: "customers.csv", size: bytes.byteLength, contentType: "text/csv", sha256: await hex(bytes), uploadedBy: ws.user.id });
    expect(file.id).toMatch(/^fil_[0-9a-z]{24}$/);

    const stored = await env.FILES.get(`tenants/${ws.workspace.id}/files/${file.id}`);
    expect(new Uint8Array(await stored!.arrayBuffer())).toEqual(bytes);

    expect((await api("GET", `/files/${file.id}`, { as: ws.owner })).body.file).toEqual(file);
    const second = await upload(ws.owner, "Ümlaut list.csv", "email\nuser1@example.com\n", { contentType: "application/octet-stream; charset=binary" });
    expect(second.status).toBe(201);
    const list = await api("GET", "/files", { as: ws.owner });
    expect(list.body.files.map((f: { name: string }) => f.name)).toEqual(["Ümlaut list.csv", "customers.csv"]);

    const audit = await api("GET", "/audit-log?action=file.upload", { as: ws.owner });
    expect(audit.body.entries.find((e: { targetId: string }) => e.targetId === file.id)).toMatchObject({
      actorId: ws.user.id,
      after: { name: "customers.csv", size: bytes.byteLength, sha256: file.sha256 },
    });
  });

  it("takes bodies far past the 1 MiB JSON limit", async () => {
    const ws = await signUp("bigjson");
    const csv = usersCsv(40_000);
    expect(csv.length).toBeGreaterThan(3 * MAX_JSON_BODY_BYTES);
    const res = await upload(ws.owner, "big.csv", csv);
    expect(res.status).toBe(201);
    expect(res.body.file.size).toBe(csv.length);
  });

  it("refuses what it cannot store, before storing anything", async () => {
    const ws = await signUp("badfiles");
    const as = ws.owner;
    const wrongType = await expectRefused(() => upload(as, "x.json", '{"a":1}', { contentType: "application/json" }), 415, "unsupported_media_type");
    expect(wrongType.message).toMatch(/text\/csv or application\/octet-stream; got application\/json/);
    await expectRefused(() => upload(as, "x.csv", "a,b\n", { contentType: "" }), 415, "unsupported_media_type");
    const noLength = await expectRefused(() => upload(as, "x.csv", bytesStream(8), { length: null }), 411, "length_required");
    expect(noLength.message).toMatch(/Content-Length/);
    const tooBig = await expectRefused(() => upload(as, "huge.csv", bytesStream(8), { length: MAX_FILE_BYTES + 1 }), 413, "payload_too_large");
    expect(tooBig.message).toMatch(/at most 200 MiB/);
    expect((await expectRefused(() => upload(as, "empty.csv", ""), 400, "invalid_request")).message).toBe("The file is empty");
    await expectRefused(() => upload(as, "x.csv", bytesStream(8), { length: "eight" as unknown as number }), 400, "invalid_request");
    await expectRefused(() => upload(as, "../../etc/passwd", "a\n1\n"), 400, "invalid_request");
    await expectRefused(() => upload(as, "  ", "a\n1\n"), 400, "invalid_request");
  });

  it("stores nothing when the body ends early or runs past its Content-Length", async () => {
    const ws = await signUp("cutfiles");
    const short = await expectRefused(() => upload(ws.owner, "short.csv", bytesStream(1000), { length: 5000 }), 400, "invalid_request");
    expect(short.message).toMatch(/did not deliver exactly the 5000 bytes/);
    await expectRefused(() => upload(ws.owner, "long.csv", bytesStream(5000), { length: 1000 }), 400, "invalid_request");
    expect((await api("GET", "/files", { as: ws.owner })).body.files).toEqual([]);
  });

  it("needs write:sources to upload and delete, read:sources to look", async () => {
    const ws = await signUp("filescopes");
    const viewer = await addMember(ws, "viewer", "fileviewer");
    const reader = { key: (await createKey(ws.owner, ["read:sources"])).secret };
    const writer = { key: (await createKey(ws.owner, ["write:sources"])).secret };
    const other = { key: (await createKey(ws.owner, ["write:apps"])).secret };
    await expectRefused(() => upload(viewer.as, "v.csv", "a\n1\n"), 403, "forbidden");
    await expectRefused(() => upload(reader, "r.csv", "a\n1\n"), 403, "forbidden");
    const byKey = await upload(writer, "w.csv", "a\n1\n");
    expect(byKey.status).toBe(201);
    const keyId = (await api("GET", "/api-keys", { as: ws.owner })).body.apiKeys.find((k: { scopes: string[] }) => k.scopes.includes("write:sources")).id;
    expect(byKey.body.file.uploadedBy).toBe(keyId);
    for (const as of [viewer.as, reader] as Caller[]) {
      expect((await api("GET", "/files", { as })).body.files).toHaveLength(1);
      expect((await api("GET", `/files/${byKey.body.file.id}`, { as })).status).toBe(200);
      await expectRefused(() => api("DELETE", `/files/${byKey.body.file.id}`, { as }), 403, "forbidden");
    }
    await expectRefused(() => api("GET", "/files", { as: other }), 403, "forbidden");
  });

  it("deletes a file with its bytes, but not while a Source reads it", async () => {
    const ws = await signUp("filedelete");
    const as = ws.owner;
    const used = (await upload(as, "used.csv", usersCsv(20))).body.file;
    const unused = (await upload(as, "unused.csv", usersCsv(5))).body.file;
    const app = (await api("POST", "/apps", { as, body: { name: "Uploads", plugin: "csv", type: "csv" } })).body.app;
    const source = await api("POST", "/sources", {
      as,
      body: { appId: app.id, name: "Customers", type: "file", options: { fileId: used.id }, identity: { column: "email", propertyKey: "email", propertyType: "email" } },
    });
    expect(source.status, JSON.stringify(source.body)).toBe(201);

    const refused = await expectRefused(() => api("DELETE", `/files/${used.id}`, { as }), 409, "conflict");
    expect(refused.message).toMatch(/Sources still read this file: Customers/);
    expect(refused.details.sources).toEqual([source.body.source.id]);

    expect((await api("DELETE", `/files/${unused.id}`, { as })).status).toBe(204);
    expect((await api("GET", `/files/${unused.id}`, { as })).status).toBe(404);
    expect((await api("DELETE", `/files/${unused.id}`, { as })).status).toBe(404);
    expect(await storedObjects(`tenants/${ws.workspace.id}/files/${unused.id}`)).toEqual([]);
    const audit = await api("GET", "/audit-log?action=file.delete", { as });
    expect(audit.body.entries).toEqual([expect.objectContaining({ targetId: unused.id, before: { name: "unused.csv", size: unused.size, sha256: unused.sha256 } })]);

    expect((await api("DELETE", `/sources/${source.body.source.id}`, { as })).status).toBe(204);
    expect((await api("DELETE", `/files/${used.id}`, { as })).status).toBe(204);
    expect(await storedObjects(`tenants/${ws.workspace.id}/`)).toEqual([]);
  });
});
