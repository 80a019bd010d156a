import { parse } from "csv-parse/stream";
import { type PluginContext, PluginError, type Row } from "../contract";
import { badFile, fileNotFound } from "./errors";
import type { Layout, Position } from "./layout";
import { CsvError, csvFailure, parseOptions } from "./parsing";
import { Utf8Guard } from "./utf8";

export interface CsvRow {
  values: Row;
  row: number;
  line: number;
  /** Where the row after this one starts: resuming there reads on without rescanning. */
  next: Position;
}

/** CSV has no NULL; an empty cell is the closest thing, and treating it as one keeps it out of aggregations. */
function toRow(columns: string[], values: string[]): Row {
  const row: Row = {};
  columns.forEach((column, i) => (row[column] = values[i] === "" ? null : values[i]));
  return row;
}

function raggedRow(layout: Layout, row: number, line: number, fields: number): PluginError {
  const expected = layout.header ? `the header has ${layout.columns.length}` : `the first row has ${layout.columns.length}`;
  return badFile(`Row ${row} (line ${line}) has ${fields} field${fields === 1 ? "" : "s"}; ${expected}`, { row, line });
}

/**
 * Streams the data rows from `from` on, one batch per chunk of the file as it arrives: only that
 * chunk and its rows are in memory at a time, and stopping early cancels the read. Batches, not
 * single rows, because a row costs far less to parse than a promise costs to hand over.
 * A bad row fails the read when the caller reaches it, not when the parser first sees it, so a
 * page or preview that ends before it still succeeds.
 */
export async function* readRows(ctx: PluginContext, fileId: string, layout: Layout, from: Position): AsyncGenerator<CsvRow[]> {
  if (from.offset >= layout.size) return;
  ctx.onQuery?.(`read ${fileId} from byte ${from.offset} (line ${from.line})`);
  const body = await ctx.files.read(fileId, { offset: from.offset });
  if (!body) throw fileNotFound(fileId);

  /** Where the parser is: the start of the row it is working on. */
  let at: Position = { ...from };
  let parsed: CsvRow[] = [];
  let badRow: PluginError | null = null;
  const parser = parse(
    parseOptions(layout.delimiter, ({ fields, line: relativeLine, end }) => {
      if (badRow) return;
      const line = from.line + relativeLine - 1;
      const row = at.row;
      at = { offset: from.offset + end, line: line + 1, row: row + 1 };
      if (fields.length === layout.columns.length) parsed.push({ values: toRow(layout.columns, fields), row, line, next: at });
      else badRow = raggedRow(layout, row, line, fields.length);
    }),
  );
  const input = parser.writable.getWriter();
  // Nothing is ever queued on the parser's output, so this settles only when parsing ends or fails.
  let parseError: unknown = null;
  const parsingEnded = parser.readable
    .getReader()
    .read()
    .then(
      () => undefined,
      (err: unknown) => void (parseError = err),
    );
  const guard = new Utf8Guard(from);
  const reader = body.getReader();
  try {
    for (let done = false; !done; ) {
      ctx.signal.throwIfAborted();
      const chunk = await reader.read();
      let failure: unknown = null;
      try {
        if (chunk.done) {
          done = true;
          failure = guard.finish();
          if (!failure) await input.close().then(() => parsingEnded);
        } else {
          const { valid, error } = guard.check(chunk.value);
          failure = error;
          await input.write(Buffer.from(valid.buffer, valid.byteOffset, valid.byteLength));
        }
      } catch (err) {
        parseError ??= err;
      }
      // Rows parsed before a failure come first, so the caller meets the failure where it is in the file.
      const batch = parsed;
      parsed = [];
      if (batch.length) yield batch;
      if (badRow) throw badRow;
      if (parseError) throw parseError instanceof CsvError ? csvFailure(parseError, at) : parseError;
      if (failure) throw failure;
    }
  } finally {
    // After a failure the stream is already errored and cancelling it has nothing left to release.
    await reader.cancel().catch(() => undefined);
  }
}
