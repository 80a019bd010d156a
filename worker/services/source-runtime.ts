import type { AppType, PluginContext, SourceType } from "../../plugins/contract";
import type { App, Source } from "../db/schema";
import type { Env } from "../env";
import { tenantFileStore } from "../files/file-store";
import { findAppType, findSourceType } from "../plugins/registry";
import { runPlugin } from "../plugins/run";
import { appOptions } from "./apps";

type Options = Record<string, unknown>;

/** Everything needed to call a Source's plugin: its types and both sets of options, secrets opened. */
export interface SourceRuntime {
  appType: AppType;
  sourceType: SourceType;
  appOptions: Options;
  sourceOptions: Options;
  call<T>(what: string, fn: (ctx: PluginContext) => Promise<T>): Promise<T>;
}

export async function sourceRuntime(env: Env, app: App, source: Pick<Source, "type" | "options">): Promise<SourceRuntime> {
  const { appType } = findAppType(app.plugin, app.type);
  const sourceType = findSourceType(appType, source.type);
  const base = { tenantId: app.tenantId, files: tenantFileStore(env.FILES, app.tenantId) };
  return {
    appType,
    sourceType,
    appOptions: await appOptions(env, app),
    sourceOptions: source.options,
    call: (what, fn) => runPlugin(what, base, fn),
  };
}
