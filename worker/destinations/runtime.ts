import type { AppType, DestinationFields, DestinationType, PluginContext } from "../../plugins/contract";
import type { App } from "../db/schema";
import type { Env } from "../env";
import { tenantFileStore } from "../files/file-store";
import { findAppType, findDestinationType } from "../plugins/registry";
import { runPlugin } from "../plugins/run";
import { allowsPrivateNetwork, appOptions } from "../services/apps";

type Options = Record<string, unknown>;

/** Everything needed to call a Destination's plugin: its types and both sets of options, secrets opened. */
export interface DestinationRuntime {
  appType: AppType;
  destinationType: DestinationType;
  appOptions: Options;
  destinationOptions: Options;
  /** What every call to the plugin is lent: the workspace, its files and its network policy. */
  base: Pick<PluginContext, "tenantId" | "files" | "allowPrivateNetwork">;
  call<T>(what: string, fn: (ctx: PluginContext) => Promise<T>): Promise<T>;
  fields(): Promise<DestinationFields>;
}

export async function destinationRuntime(env: Env, app: App, destination: { type: string; options: Options }): Promise<DestinationRuntime> {
  const { appType } = findAppType(app.plugin, app.type);
  const destinationType = findDestinationType(appType, destination.type);
  const [appOpts, allowPrivateNetwork] = await Promise.all([appOptions(env, app), allowsPrivateNetwork(env.DB, app.tenantId)]);
  const base = { tenantId: app.tenantId, files: tenantFileStore(env.FILES, app.tenantId), allowPrivateNetwork };
  const call = <T>(what: string, fn: (ctx: PluginContext) => Promise<T>) => runPlugin(what, base, fn);
  return {
    appType,
    destinationType,
    appOptions: appOpts,
    destinationOptions: destination.options,
    base,
    call,
    fields: () => call("Reading the Destination's fields", (ctx) => destinationType.fields(appOpts, destination.options, ctx)),
  };
}
