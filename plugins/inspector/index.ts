import { z } from "zod";
import { defineAppType, defineDestinationType, definePlugin, type ExportOutcome } from "../contract";

const noOptions = z.object({}).strict();
type NoOptions = z.infer<typeof noOptions>;

/**
 * A Destination inside Groupflow: it accepts every Export, so what it holds is exactly what a real
 * Destination with the same collection, mapping and Group lists would have been sent. The core keeps
 * each Destination's last sent payload per Record, which is this one's whole content; people read it
 * from the Destination's Records and Exports.
 */
const inspectorDestination = defineDestinationType<NoOptions, NoOptions>({
  type: "inspector",
  displayName: "Inspector",
  description: "Keeps what it receives in Groupflow, to see exactly what a sync sends before connecting a real tool.",
  options: [],
  optionsSchema: noOptions,
  limits: () => ({ batchSize: 100, requestsPerSecond: 50, concurrency: 4 }),
  async fields() {
    return { fields: [], customFields: true, lists: { label: "Tags" } };
  },
  async send(_app, _destination, items) {
    const kept: ExportOutcome = { ok: true, summary: { kept: true } };
    return new Map(items.map((item) => [item.exportId, kept]));
  },
});

const INSPECTOR_ICON =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2"><circle cx="11" cy="11" r="6"/><path d="M20 20l-4.5-4.5"/></svg>';

export const inspectorPlugin = definePlugin({
  name: "inspector",
  displayName: "Inspector",
  icon: INSPECTOR_ICON,
  apps: [
    defineAppType<NoOptions>({
      type: "inspector",
      displayName: "Inspector",
      description: "A Destination that keeps what it receives inside Groupflow.",
      options: [],
      optionsSchema: noOptions,
      async test() {
        return { ok: true, message: "Ready to receive Exports" };
      },
      sources: [],
      destinations: [inspectorDestination],
    }),
  ],
});
