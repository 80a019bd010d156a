import { defineAppType, definePlugin, defineSourceType, type Row } from "../contract";
import { columnsOf } from "./columns";
import { importPage } from "./import";
import { readLayout } from "./layout";
import { appOptions, type AppOptions, SOURCE_OPTION_SPECS, sourceOptions, type SourceOptions } from "./options";
import { readRecordProperties } from "./record-properties";
import { readRows } from "./rows";

const KIB = 1024;
const formatSize = (bytes: number) =>
  bytes < KIB ? `${bytes} B` : bytes < KIB * KIB ? `${(bytes / KIB).toFixed(1)} KiB` : `${(bytes / KIB / KIB).toFixed(1)} MiB`;

const fileSource = defineSourceType<AppOptions, SourceOptions>({
  type: "file",
  displayName: "CSV file",
  description: "The rows of an uploaded CSV file (UTF-8), one Record per value of its identity column.",
  options: SOURCE_OPTION_SPECS,
  optionsSchema: sourceOptions,
  keyedBy: "identity_column",
  async optionChoices(_app, _source, _key, ctx) {
    const uploaded = (await ctx.files.list?.()) ?? [];
    return uploaded.map((f) => ({ value: f.id, label: `${f.name} (${formatSize(f.size)})` }));
  },
  async columns(_app, source, ctx) {
    return columnsOf(await readLayout(ctx, source));
  },
  async preview(_app, source, { limit }, ctx) {
    const layout = await readLayout(ctx, source);
    const rows: Row[] = [];
    if (limit > 0) {
      for await (const batch of readRows(ctx, source.fileId, layout, layout.data)) {
        rows.push(...batch.slice(0, limit - rows.length).map((r) => r.values));
        if (rows.length >= limit) break;
      }
    }
    return { columns: columnsOf(layout), rows };
  },
  importRecords: (_app, source, request, ctx) => importPage(ctx, source, request),
  // No countRows: only parsing the whole file counts its rows (a quoted field may hold line breaks),
  // which costs as much as the import, and a guess from the head would pass for an exact count.
  recordProperties: (_app, source, request, ctx) => readRecordProperties(ctx, source, request),
});

const CSV_ICON =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2"><path d="M14 2H6a2 2 0 0 0-2 2v16a2 2 0 0 0 2 2h12a2 2 0 0 0 2-2V8z"/><path d="M14 2v6h6"/><path d="M8 13h8M8 17h8M12 11v8"/></svg>';

export const csvPlugin = definePlugin({
  name: "csv",
  displayName: "CSV files",
  icon: CSV_ICON,
  apps: [
    defineAppType<AppOptions>({
      type: "csv",
      displayName: "CSV uploads",
      description: "Read customer data from CSV files uploaded to this workspace.",
      options: [],
      optionsSchema: appOptions,
      async test(_options, ctx) {
        const uploaded = await ctx.files.list?.();
        const count = uploaded ? ` ${uploaded.length} file${uploaded.length === 1 ? " is" : "s are"} uploaded.` : "";
        return { ok: true, message: `CSV uploads are ready.${count}` };
      },
      sources: [fileSource],
      destinations: [],
    }),
  ],
});
