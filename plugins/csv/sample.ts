import { parse } from "csv-parse/sync";
import { CsvError, parseOptions, type RawRecord } from "./parsing";

/**
 * The complete rows in a file's head, and the parse error that stopped them if one did. Unless the
 * head is known to end on a row boundary its last row may be cut, so it is dropped. Errors are returned, not
 * thrown: rows before them are still good for detecting the layout, and the full read reports
 * the error when it reaches that row.
 */
export function sampleRecords(head: Buffer, delimiter: string, endsOnRow: boolean): { records: RawRecord[]; error?: CsvError } {
  const records: RawRecord[] = [];
  try {
    parse(head, parseOptions(delimiter, (record) => records.push(record)));
  } catch (err) {
    if (err instanceof CsvError) return { records, error: err };
    throw err;
  }
  return { records: endsOnRow ? records : records.slice(0, -1) };
}
