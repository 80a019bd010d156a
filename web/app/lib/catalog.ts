import type { DestinationTypeInfo } from "./destinations";
import type { App, AppTypeInfo, PluginInfo, SourceTypeInfo } from "./models";

/** The plugin and App type an App (or a choice on the new-App page) refers to, if installed. */
export function findAppType(plugins: PluginInfo[], pluginName: string, type: string): { plugin: PluginInfo; appType: AppTypeInfo } | null {
  const plugin = plugins.find((p) => p.name === pluginName);
  const appType = plugin?.apps.find((a) => a.type === type);
  return plugin && appType ? { plugin, appType } : null;
}

export function findSourceType(plugins: PluginInfo[], app: App, type: string): SourceTypeInfo | null {
  return findAppType(plugins, app.plugin, app.type)?.appType.sources.find((s) => s.type === type) ?? null;
}

export function findDestinationType(plugins: PluginInfo[], app: App, type: string): DestinationTypeInfo | null {
  return findAppType(plugins, app.plugin, app.type)?.appType.destinations.find((d) => d.type === type) ?? null;
}
