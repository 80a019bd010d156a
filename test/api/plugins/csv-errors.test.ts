import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { fileKey } from "../../../worker/files/file-store";
import { api, type Caller, signUp, tableCounts } from "../../support/api";
import { fileSource, pluginContext, sourceOptions, upload } from "./csv-fixtures";

let as: Caller;
let tenantId: string;
let appId: string;

beforeAll(async () => {
  const ws = await signUp("csverr");
  as = ws.owner;
  tenantId = ws.workspace.id;
  appId = (await api("POST", "/apps", { as, body: { name: "Uploads", plugin: "csv", type: "csv" } })).body.app.id;
});

async function uploaded(name: string, body: string | Uint8Array) {
  const res = await upload(as, name, body);
  if (res.status !== 201) throw new Error(JSON.stringify(res.body));
  return res.body.file.id as string;
}

const rows = (count: number, from = 1) => Array.from({ length: count }, (_, i) => `${from + i},user${from + i}@example.com,Name${from + i},US,${i % 7}`);
const HEADER = "id,email,name,country,visits";

/** A row whose third field holds bytes that are not UTF-8 (a Latin-1 "é"). */
function withLatin1Row(before: string, after: string): Uint8Array {
  const encode = (s: string) => new TextEncoder().encode(s);
  return new Uint8Array([...encode(before), ...encode("999,latin@example.com,Ren"), 0xe9, ...encode(",FR,1\n"), ...encode(after)]);
}

const preview = (fileId: string, extra = {}) => api("POST", "/sources/preview", { as, body: { appId, type: "file", options: { fileId, ...extra } } });
const page = (fileId: string, cursor: string | null, limit: number) => fileSource.importRecords!({}, sourceOptions(fileId), { cursor, limit }, pluginContext(tenantId));

describe("CSV files that cannot be read", () => {
  it("names the row and line of a ragged row, and fails only the read that reaches it", async () => {
    const lines = [HEADER, ...rows(6), "7,user7@example.com,Seven,US", ...rows(3, 8)];
    const fileId = await uploaded("ragged.csv", `${lines.join("\n")}\n`);
    const res = await preview(fileId);
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe("plugin_error");
    expect(res.body.error.message).toBe("Previewing the Source failed: Row 7 (line 8) has 4 fields; the header has 5");
    expect(res.body.error.details).toMatchObject({ code: "bad_file", row: 7, line: 8 });

    const first = await page(fileId, null, 5);
    expect(first.rows.map((r) => r.id)).toEqual(["1", "2", "3", "4", "5"]);
    await expect(page(fileId, first.nextCursor, 5)).rejects.toThrow("Row 7 (line 8) has 4 fields; the header has 5");

    const noHeader = await uploaded("ragged-noheader.csv", "1,2,3\n4,5,6\n7,8\n");
    expect((await preview(noHeader, { header: "no" })).body.error.message).toMatch(/Row 3 \(line 3\) has 2 fields; the first row has 3$/);
  });

  it("names the line and bytes of text that is not UTF-8, counting lines from the top when resuming", async () => {
    const early = await uploaded("latin1.csv", withLatin1Row(`${HEADER}\n${rows(5).join("\n")}\n`, `${rows(2, 6).join("\n")}\n`));
    const res = await preview(early);
    expect(res.status).toBe(422);
    expect(res.body.error.message).toMatch(/^Previewing the Source failed: Line 7 is not valid UTF-8 \(near byte \d+\)/);
    expect(res.body.error.details.code).toBe("bad_file");

    // Far past the head the layout reads, and on the third page: the line is still the file's own.
    const late = await uploaded("latin1-late.csv", withLatin1Row(`${HEADER}\n${rows(2500).join("\n")}\n`, `${rows(100, 2501).join("\n")}\n`));
    const one = await page(late, null, 1000);
    const two = await page(late, one.nextCursor, 1000);
    expect(two.rows.at(-1)!.id).toBe("2000");
    const error = await page(late, two.nextCursor, 1000).catch((e) => e);
    expect(error.code).toBe("bad_file");
    expect(error.message).toMatch(/^Line 2502 is not valid UTF-8/);
    // The offset given points at the bad byte, give or take the length of a character.
    const around = await env.FILES.get(fileKey(tenantId, late), { range: { offset: error.details.byteOffset - 3, length: 7 } });
    expect([...new Uint8Array(await around!.arrayBuffer())]).toContain(0xe9);
  });

  it("names the row where a quote is left open", async () => {
    const fileId = await uploaded("quote.csv", `${HEADER}\n${rows(3).join("\n")}\n4,"user4@example.com,Four,US,1\n${rows(3, 5).join("\n")}\n`);
    const res = await preview(fileId);
    expect(res.body.error.message).toBe("Previewing the Source failed: Row 4 (from line 5): a quoted field is never closed");
  });

  it("stops at a quote left open rather than buffering the rest of a large file", async () => {
    const filler = rows(30_000, 10).join("\n");
    expect(filler.length).toBeGreaterThan(1_000_000);
    const fileId = await uploaded("runaway.csv", `${HEADER}\n${rows(2).join("\n")}\n3,"user3@example.com,Three,US,1\n${filler}\n`);
    const error = await page(fileId, null, 100).catch((e) => e);
    expect(error.message).toBe("Row 3 (from line 4): the row is longer than 1 million characters, which usually means a quote is never closed");
  });

  it("refuses empty files, headers without names, and duplicated names", async () => {
    const ctx = pluginContext(tenantId);
    await env.FILES.put(fileKey(tenantId, "fil_000000000000000000000000"), "");
    await expect(fileSource.columns({}, sourceOptions("fil_000000000000000000000000"), ctx)).rejects.toMatchObject({ code: "bad_file", message: "The file is empty" });
    const blank = await uploaded("blank.csv", "\n\n\n");
    expect((await preview(blank)).body.error.message).toBe("Previewing the Source failed: The file has no rows");
    const unnamed = await uploaded("unnamed.csv", "id,,country\n1,a,US\n");
    expect((await preview(unnamed, { header: "yes" })).body.error.message).toMatch(/Column 2 of the header has no name/);
    const twice = await uploaded("twice.csv", "id,email,id\n1,a@example.com,2\n");
    expect((await preview(twice, { header: "yes" })).body.error.message).toMatch(/The header names "id" twice/);
  });

  it("creates no Source from a file it cannot read, and none from a missing file", async () => {
    const fileId = await uploaded("bad-header.csv", 'id,"email\n1,a\n');
    const before = await tableCounts();
    const res = await api("POST", "/sources", { as, body: { appId, name: "Broken", type: "file", options: { fileId }, identity: { column: "email", propertyKey: "email" } } });
    expect(res.status).toBe(422);
    expect(res.body.error.message).toMatch(/a quoted field is never closed/);
    const missing = await api("POST", "/sources", {
      as,
      body: { appId, name: "Missing", type: "file", options: { fileId: "fil_zzzzzzzzzzzzzzzzzzzzzzzz" }, identity: { column: "email", propertyKey: "email" } },
    });
    expect(missing.status).toBe(422);
    expect(missing.body.error.details.code).toBe("not_found");
    const malformed = await api("POST", "/sources", { as, body: { appId, name: "Bad", type: "file", options: { fileId: "../x" }, identity: { column: "email", propertyKey: "email" } } });
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.message).toMatch(/fileId: must be the id of an uploaded file/);
    expect(await tableCounts()).toEqual(before);
  });
});
