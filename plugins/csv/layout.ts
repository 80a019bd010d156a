import type { PluginContext } from "../contract";
import { detectDelimiter } from "./delimiter";
import { badFile, fileNotFound } from "./errors";
import { HEAD_BYTES, readHead } from "./head";
import { headerNames, looksLikeHeader, positionalNames } from "./header";
import type { SourceOptions } from "./options";
import { csvFailure } from "./parsing";
import { sampleRecords } from "./sample";
import { Utf8Guard } from "./utf8";

/** Where a row starts: its byte offset in the file, its line, and its number among the data rows (1 = first after the header). */
export interface Position {
  offset: number;
  line: number;
  row: number;
}

/** How a file is laid out, from its head: every read starts from this. */
export interface Layout {
  size: number;
  delimiter: string;
  header: boolean;
  columns: string[];
  /** The first data row. */
  data: Position;
  /** Data rows from the head with as many fields as there are columns, to type the columns by. */
  sample: string[][];
}

const UTF8_BOM = [0xef, 0xbb, 0xbf];
const bomLength = (head: Uint8Array) => (UTF8_BOM.every((b, i) => head[i] === b) ? UTF8_BOM.length : 0);

export async function readLayout(ctx: PluginContext, options: SourceOptions): Promise<Layout> {
  const size = await ctx.files.size(options.fileId);
  if (size === null) throw fileNotFound(options.fileId);
  if (size === 0) throw badFile("The file is empty");
  const head = await readHead(ctx, options.fileId);
  const bom = bomLength(head);
  // A bad sequence in the head cuts the sample short; reading reports it when it reaches that line.
  const guard = new Utf8Guard({ offset: bom, line: 1 });
  const checked = guard.check(head.subarray(bom));
  const wholeFile = head.byteLength >= size;
  const encodingError = checked.error ?? (wholeFile ? guard.finish() : null);
  // Cut at the start of a line, or the end of the file: the last row in the text is complete.
  const endsOnRow = wholeFile || checked.error !== null;
  const text = Buffer.from(checked.valid.buffer, checked.valid.byteOffset, checked.valid.byteLength);
  const delimiter = options.delimiter === "auto" ? detectDelimiter(text, endsOnRow) : options.delimiter;

  const { records, error } = sampleRecords(text, delimiter, endsOnRow);
  if (!records.length) {
    if (encodingError) throw encodingError;
    if (error) throw csvFailure(error, { row: 1, line: 1 });
    throw badFile(wholeFile ? "The file has no rows" : `The first row is longer than ${HEAD_BYTES / 1024} KiB; is this a CSV file?`);
  }
  const rows = records.map((record) => ({ values: record.fields, line: record.line, end: bom + record.end }));
  const first = rows[0]!;
  const rest = rows.slice(1);
  const header = options.header === "yes" || (options.header === "auto" && looksLikeHeader(first.values, rest.map((r) => r.values)));
  const columns = header ? headerNames(first.values) : positionalNames(first.values.length);
  const dataRows = header ? rest : rows;
  return {
    size,
    delimiter,
    header,
    columns,
    data: header ? { offset: first.end, line: first.line + 1, row: 1 } : { offset: bom, line: 1, row: 1 },
    sample: dataRows.map((r) => r.values).filter((values) => values.length === columns.length),
  };
}
