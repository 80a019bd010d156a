import { aggregateByRecord, columnsNeeded, normalizeValue } from "../shared/aggregate";
import type { PluginContext, RecordPropertiesRequest, RecordPropertiesResult, Row } from "../contract";
import { assertColumns } from "./columns";
import { readLayout } from "./layout";
import type { SourceOptions } from "./options";
import { readRows } from "./rows";

/** Identity values match regardless of case, as emails and most ids are meant to. */
const identityKey = (value: unknown) => normalizeValue(value)?.toLowerCase() ?? null;

/**
 * One pass over the file for the whole batch: keeps only the rows of the batch's Records, and of
 * those only the columns the Properties read, then aggregates them like every other Source.
 */
export async function readRecordProperties(ctx: PluginContext, options: SourceOptions, request: RecordPropertiesRequest): Promise<RecordPropertiesResult> {
  const layout = await readLayout(ctx, options);
  const { column, propertyKey } = request.identity;
  const needed = columnsNeeded(column, request.properties);
  assertColumns(layout, needed);
  const wanted = new Set(request.records.map((r) => identityKey(r.values[propertyKey])).filter((k): k is string => k !== null));

  const rows: Row[] = [];
  if (wanted.size) {
    for await (const batch of readRows(ctx, options.fileId, layout, layout.data)) {
      for (const { values } of batch) {
        const key = identityKey(values[column]);
        if (key === null || !wanted.has(key)) continue;
        const kept: Row = {};
        for (const name of needed) kept[name] = values[name];
        rows.push(kept);
      }
    }
  }
  return aggregateByRecord(request.records, rows, request.properties, (row) => identityKey(row[column]), (record) => identityKey(record.values[propertyKey]));
}
