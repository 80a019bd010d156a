import { beforeAll, describe, expect, it } from "vitest";
import type { Row } from "../../../plugins/contract";
import { HEAD_BYTES } from "../../../plugins/csv/head";
import type { SourceOptions } from "../../../plugins/csv/options";
import { signUp } from "../../support/api";
import { fileSource, pluginContext, sourceOptions, upload } from "./csv-fixtures";

let owner: Awaited<ReturnType<typeof signUp>>;

beforeAll(async () => {
  owner = await signUp("dialects");
});

/** Uploads `body` and reads it back as the plugin sees it: columns, and every row in pages of `limit`. */
async function read(body: string | Uint8Array, options: Partial<Omit<SourceOptions, "fileId">> = {}, limit = 1) {
  const res = await upload(owner.owner, "dialect.csv", body);
  if (res.status !== 201) throw new Error(JSON.stringify(res.body));
  const ctx = pluginContext(owner.workspace.id);
  const source = sourceOptions(res.body.file.id, options);
  const columns = (await fileSource.columns({}, source, ctx)).map((c) => c.name);
  const rows: Row[] = [];
  let cursor: string | null = null;
  do {
    const page = await fileSource.importRecords!({}, source, { cursor, limit }, ctx);
    rows.push(...page.rows);
    cursor = page.nextCursor;
  } while (cursor);
  return { columns, rows };
}

describe("CSV dialects", () => {
  it("reads a BOM, CRLF line ends, semicolons and quoted fields holding delimiters, quotes and line breaks", async () => {
    const text = 'id;name;note\r\n1;"Smith; John";"says ""hi""\r\nthen leaves"\r\n\r\n2;Åsa Öberg;\r\n3;"";plain\r\n';
    const bytes = new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode(text)]);
    const { columns, rows } = await read(bytes);
    expect(columns).toEqual(["id", "name", "note"]);
    expect(rows).toEqual([
      { id: "1", name: "Smith; John", note: 'says "hi"\r\nthen leaves' },
      { id: "2", name: "Åsa Öberg", note: null },
      { id: "3", name: null, note: "plain" },
    ]);
  });

  it("keeps characters whole where storage chunks and the sampled head split them", async () => {
    const names = ["Åsa Öberg", "日本語の名前", "Zoë 🙂 Ñandú"];
    const lines = Array.from({ length: 12_000 }, (_, i) => `${i + 1},${names[i % 3]}`);
    const body = `id,name\n${lines.join("\n")}\n`;
    const bytes = new TextEncoder().encode(body);
    const continuesCharacter = (at: number) => (bytes[at]! & 0xc0) === 0x80;
    expect(continuesCharacter(HEAD_BYTES), "the sampled head ends inside a character").toBe(true);
    const { columns, rows } = await read(body, {}, 700);
    expect(columns).toEqual(["id", "name"]);
    expect(rows).toHaveLength(12_000);
    rows.forEach((row, i) => expect(row).toEqual({ id: String(i + 1), name: names[i % 3] }));
  });

  it("detects tabs, and reads a first row of numbers as data", async () => {
    const { columns, rows } = await read("1\t2.5\t2024-01-31\n4\t5.5\t2024-02-29\n");
    expect(columns).toEqual(["column_1", "column_2", "column_3"]);
    expect(rows).toEqual([
      { column_1: "1", column_2: "2.5", column_3: "2024-01-31" },
      { column_1: "4", column_2: "5.5", column_3: "2024-02-29" },
    ]);
  });

  it("takes the delimiter and header as configured", async () => {
    expect((await read("a|b\nc|d\n", { delimiter: "|", header: "no" })).rows).toEqual([
      { column_1: "a", column_2: "b" },
      { column_1: "c", column_2: "d" },
    ]);
    expect((await read("a|b\nc|d\n", { delimiter: "|", header: "yes" })).rows).toEqual([{ a: "c", b: "d" }]);
    expect((await read("a,b;c\n1,2;3\n", { delimiter: ";" })).columns).toEqual(["a,b", "c"]);
  });

  it("guesses a header in files of only text: names do not repeat in their column, data does", async () => {
    expect((await read("first_name,country\nJames,US\nMary,US\n")).columns).toEqual(["first_name", "country"]);
    expect((await read("James,US\nMary,US\nJohn,GB\n")).columns).toEqual(["column_1", "column_2"]);
    expect((await read("name,name\nJames,US\n")).columns).toEqual(["column_1", "column_2"]);
  });

  it("reads a single column and a last row without a line end", async () => {
    const { columns, rows } = await read("email\nuser1@example.com\nuser2@example.com");
    expect(columns).toEqual(["email"]);
    expect(rows).toEqual([{ email: "user1@example.com" }, { email: "user2@example.com" }]);
  });

  it("types columns by their values: ISO dates and integers can be high-water marks", async () => {
    const res = await upload(owner.owner, "types.csv", "n,price,day,at,label,mixed\n1,1.5,2024-01-01,2024-01-01T10:00:00Z,a,1\n2,2,2024-01-02,2024-01-02 11:30,b,x\n");
    const columns = await fileSource.columns({}, sourceOptions(res.body.file.id), pluginContext(owner.workspace.id));
    expect(columns).toEqual([
      { name: "n", type: "integer", incremental: true },
      { name: "price", type: "decimal", incremental: false },
      { name: "day", type: "date", incremental: true },
      { name: "at", type: "timestamp", incremental: true },
      { name: "label", type: "text", incremental: false },
      { name: "mixed", type: "text", incremental: false },
    ]);
  });
});
