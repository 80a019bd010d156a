import { PluginError, type AppType, type DestinationFields, type DestinationType, type PluginContext } from "../../plugins/contract";
import type { App } from "../db/schema";
import type { Env } from "../env";
import { ApiError } from "../errors";
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
  /** The fields, for a definition being saved: a refusal the plugin puts down to one of its options is the definition's fault. */
  checkedFields(): Promise<DestinationFields>;
}

/** A refusal naming the option at fault answers like any invalid field, naming `options.<option>`. */
function invalidOption(err: unknown): never {
  if (!(err instanceof PluginError) || !err.details?.option) throw err;
  const { option } = err.details;
  throw new ApiError("invalid_request", `Invalid options.${option}: ${err.message}`, [{ path: `options.${option}`, message: err.message }]);
}

/** The workspace's network policy is read here unless the caller has read its row already and passes it. */
export async function destinationRuntime(
  env: Env,
  app: App,
  destination: { type: string; options: Options },
  workspace?: { allowPrivateNetwork: boolean },
): Promise<DestinationRuntime> {
  const { appType } = findAppType(app.plugin, app.type);
  const destinationType = findDestinationType(appType, destination.type);
  const [appOpts, allowPrivateNetwork] = await Promise.all([appOptions(env, app), workspace?.allowPrivateNetwork ?? allowsPrivateNetwork(env.DB, app.tenantId)]);
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
    checkedFields: () => call("Reading the Destination's fields", (ctx) => destinationType.fields(appOpts, destination.options, ctx).catch(invalidOption)),
  };
}
