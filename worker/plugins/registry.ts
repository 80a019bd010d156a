import type { AppType, DestinationType, OptionSpec, Plugin, SourceType } from "../../plugins/contract";
import { csvPlugin } from "../../plugins/csv";
import { hubspotPlugin } from "../../plugins/hubspot";
import { inspectorPlugin } from "../../plugins/inspector";
import { mailchimpPlugin } from "../../plugins/mailchimp";
import { webhookPlugin } from "../../plugins/webhook";
import { mysqlPlugin } from "../../plugins/mysql";
import { postgresPlugin } from "../../plugins/postgres";
import { eventsPlugin } from "../../plugins/events";
import { pushPlugin } from "../../plugins/push";
import { samplePlugin } from "../../plugins/sample";
import { ApiError } from "../errors";

/** The installed plugins. Adding a plugin is adding it here. */
export const PLUGINS: readonly Plugin[] = [samplePlugin, postgresPlugin, mysqlPlugin, csvPlugin, pushPlugin, eventsPlugin, inspectorPlugin, webhookPlugin, mailchimpPlugin, hubspotPlugin];

export function findAppType(pluginName: string, type: string): { plugin: Plugin; appType: AppType } {
  const plugin = PLUGINS.find((p) => p.name === pluginName);
  if (!plugin) {
    throw new ApiError("invalid_request", `Unknown plugin "${pluginName}"; installed: ${PLUGINS.map((p) => p.name).join(", ")}`, { field: "plugin" });
  }
  const appType = plugin.apps.find((a) => a.type === type);
  if (!appType) {
    throw new ApiError("invalid_request", `Plugin "${pluginName}" has no App type "${type}"; it has ${plugin.apps.map((a) => a.type).join(", ")}`, { field: "type" });
  }
  return { plugin, appType };
}

export function findSourceType(appType: AppType, type: string): SourceType {
  const sourceType = appType.sources.find((s) => s.type === type);
  if (!sourceType) {
    const offered = appType.sources.map((s) => s.type).join(", ") || "none";
    throw new ApiError("invalid_request", `${appType.displayName} Apps have no Source type "${type}"; they offer ${offered}`, { field: "type" });
  }
  return sourceType;
}

export function findDestinationType(appType: AppType, type: string): DestinationType {
  const destinationType = appType.destinations.find((d) => d.type === type);
  if (!destinationType) {
    const offered = appType.destinations.map((d) => d.type).join(", ") || "none";
    throw new ApiError("invalid_request", `${appType.displayName} Apps have no Destination type "${type}"; they offer ${offered}`, { field: "type" });
  }
  return destinationType;
}

export const secretKeys = (options: OptionSpec[]) => options.filter((o) => o.secret).map((o) => o.key);

/** What `GET /plugins` shows: everything a UI needs to build forms, nothing executable. */
export function describePlugins() {
  return PLUGINS.map((plugin) => ({
    name: plugin.name,
    displayName: plugin.displayName,
    icon: plugin.icon,
    apps: plugin.apps.map((app) => ({
      type: app.type,
      displayName: app.displayName,
      description: app.description,
      options: app.options,
      sources: app.sources.map((s) => ({
        type: s.type,
        displayName: s.displayName,
        description: s.description,
        options: s.options,
        keyedBy: s.keyedBy,
        bulkImport: Boolean(s.importRecords),
        pushOnly: Boolean(s.pushOnly),
      })),
      destinations: app.destinations.map((d) => ({ type: d.type, displayName: d.displayName, description: d.description, options: d.options, forwardsEvents: Boolean(d.sendEvents) })),
    })),
  }));
}
