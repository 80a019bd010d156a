import { compareValues, normalizeValue } from "../shared/aggregate";
import type { ImportPage, ImportRequest, PluginContext, Row } from "../contract";
import { assertColumns } from "./columns";
import { decodeCursor, encodeCursor } from "./cursor";
import { readLayout, type Position } from "./layout";
import type { SourceOptions } from "./options";
import { readRows } from "./rows";

/**
 * One page of rows in file order. The cursor is the byte offset of the next row, so a page reads
 * on from there instead of rescanning the file.
 *
 * A file has no order by any column, so an incremental import cannot seek to its high-water mark:
 * it reads every row and keeps those at or past the mark (rows at the mark itself come again, as
 * another row may share it). Each incremental run therefore costs one full pass over the file,
 * spread over its pages, however few rows are new.
 */
export async function importPage(ctx: PluginContext, options: SourceOptions, request: ImportRequest): Promise<ImportPage> {
  const layout = await readLayout(ctx, options);
  const incremental = request.incremental;
  if (incremental) assertColumns(layout, [incremental.column]);
  const from = request.cursor ? decodeCursor(request.cursor) : layout.data;

  const rows: Row[] = [];
  let highWaterMark: string | null = null;
  let resumeAt: Position | null = null;
  let more = false;
  reading: for await (const batch of readRows(ctx, options.fileId, layout, from)) {
    for (const row of batch) {
      if (rows.length >= request.limit) {
        more = true;
        break reading;
      }
      resumeAt = row.next;
      if (incremental) {
        const mark = normalizeValue(row.values[incremental.column]);
        if (incremental.after !== null && (mark === null || compareValues(mark, incremental.after) < 0)) continue;
        if (mark !== null && (highWaterMark === null || compareValues(mark, highWaterMark) > 0)) highWaterMark = mark;
      }
      rows.push(row.values);
    }
  }
  return { rows, nextCursor: more && resumeAt ? encodeCursor(resumeAt) : null, highWaterMark };
}
