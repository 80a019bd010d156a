import type { AppType, ImportPage, ImportRequest, PluginContext, PreviewRequest, PropertyFilter, RecordPropertiesRequest, SourceType } from "../../plugins/contract";
import { rowMatches } from "../../plugins/shared/aggregate";
import type { App, Source } from "../db/schema";
import type { Env } from "../env";
import { tenantFileStore } from "../files/file-store";
import { tenantEventStore } from "../events/store";
import { findAppType, findSourceType } from "../plugins/registry";
import { runPlugin } from "../plugins/run";
import { appOptions } from "./apps";

type Options = Record<string, unknown>;

/** How many rows a filtered preview reads to still fill its page when filters drop some. */
const FILTERED_PREVIEW_READ = 500;

/**
 * Everything needed to call a Source's plugin: its types, both sets of options (secrets opened),
 * and the Source's row filters, which the methods below apply so no caller can forget them.
 */
export interface SourceRuntime {
  appType: AppType;
  sourceType: SourceType;
  appOptions: Options;
  sourceOptions: Options;
  filters: PropertyFilter[];
  call<T>(what: string, fn: (ctx: PluginContext) => Promise<T>): Promise<T>;
  preview(request: PreviewRequest): ReturnType<SourceType["preview"]>;
  importPage(request: ImportRequest): Promise<ImportPage>;
  recordProperties(request: RecordPropertiesRequest): ReturnType<SourceType["recordProperties"]>;
}

export async function sourceRuntime(env: Env, app: App, source: Pick<Source, "type" | "options"> & { filters?: PropertyFilter[] }): Promise<SourceRuntime> {
  const { appType } = findAppType(app.plugin, app.type);
  const sourceType = findSourceType(appType, source.type);
  const base = { tenantId: app.tenantId, files: tenantFileStore(env.FILES, app.tenantId), events: tenantEventStore(env.DB, app.tenantId) };
  const filters = source.filters ?? [];
  const appOpts = await appOptions(env, app);
  const call = <T>(what: string, fn: (ctx: PluginContext) => Promise<T>) => runPlugin(what, base, fn);
  return {
    appType,
    sourceType,
    appOptions: appOpts,
    sourceOptions: source.options,
    filters,
    call,
    async preview(request) {
      const limit = filters.length ? Math.max(request.limit, FILTERED_PREVIEW_READ) : request.limit;
      const result = await call("Previewing the Source", (ctx) => sourceType.preview(appOpts, source.options, { ...request, limit }, ctx));
      return { columns: result.columns, rows: result.rows.filter((row) => rowMatches(row, filters)).slice(0, request.limit) };
    },
    async importPage(request) {
      const importRecords = sourceType.importRecords;
      if (!importRecords) throw new Error(`${sourceType.displayName} Sources cannot be imported in bulk`);
      const page = await call("Reading a page of the Source", (ctx) => importRecords(appOpts, source.options, request, ctx));
      // The mark covers filtered-out rows too: they were read, and reading them again would find them filtered again.
      return { ...page, rows: page.rows.filter((row) => rowMatches(row, filters)) };
    },
    recordProperties(request) {
      const properties = request.properties.map((p) => ({ ...p, filters: [...filters, ...p.filters] }));
      return call("Reading Properties from the Source", (ctx) => sourceType.recordProperties(appOpts, source.options, { ...request, properties }, ctx));
    },
  };
}
