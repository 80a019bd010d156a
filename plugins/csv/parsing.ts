import { CsvError, type Options } from "csv-parse/stream";
import type { PluginError } from "../contract";
import { badFile } from "./errors";

/** A row may grow this long; past it the file is refused rather than buffered, e.g. after a quote that is never closed. */
export const MAX_ROW_CHARS = 1_000_000;

/** A parsed row: its fields, its last line and where it ends, relative to where parsing began. */
export interface RawRecord {
  fields: string[];
  line: number;
  end: number;
}

/**
 * csv-parse options shared by every read. Rows go to `onRecord` as the parser finds them instead
 * of through the library's stream one by one, which costs a promise per row; the BOM is handled
 * by the layout, which always starts reading past it; field counts are checked by the reader,
 * which knows the header and where in the file it is. Bytes reach the parser already checked as
 * UTF-8 (see utf8.ts), so its own lenient decoding never meets a bad sequence.
 */
export function parseOptions(delimiter: string, onRecord: (record: RawRecord) => void): Options {
  return {
    delimiter,
    bom: false,
    relax_column_count: true,
    relax_quotes: true,
    skip_empty_lines: true,
    max_record_size: MAX_ROW_CHARS,
    on_record: (fields, info) => {
      onRecord({ fields, line: info.lines, end: info.bytes });
      return null;
    },
  };
}

const REASONS: Partial<Record<string, string>> = {
  CSV_QUOTE_NOT_CLOSED: "a quoted field is never closed",
  CSV_INVALID_CLOSING_QUOTE: "a closing quote is followed by something other than a delimiter or the end of the line",
  CSV_MAX_RECORD_SIZE: `the row is longer than ${MAX_ROW_CHARS / 1_000_000} million characters, which usually means a quote is never closed`,
};

/**
 * A parse failure, named by the row it broke and the line that row starts on: the library only
 * knows lines relative to where this read began, and for a quote left open it names the last line
 * of the file rather than the row at fault.
 */
export function csvFailure(err: CsvError, at: { row: number; line: number }): PluginError {
  return badFile(`Row ${at.row} (from line ${at.line}): ${REASONS[err.code] ?? err.message}`, { row: at.row, line: at.line, reason: err.code });
}

export { CsvError };
