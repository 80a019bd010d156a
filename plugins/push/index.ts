import { z } from "zod";
import { defineAppType, definePlugin, defineSourceType } from "../contract";

const noOptions = z.object({}).strict();
type NoOptions = z.infer<typeof noOptions>;

/**
 * Values sent to Groupflow rather than read by it: `POST /api/v1/imports` or the Source's signed
 * webhook. There is no outside system to ask, so the Source has no columns or rows of its own; a
 * Property on it names the key the imports send, and hydration keeps the last imported value.
 */
const pushSource = defineSourceType<NoOptions, NoOptions>({
  type: "push",
  displayName: "Pushed data",
  description: "Values your systems send by API or webhook; each key sent is the Property of the same name.",
  options: [],
  optionsSchema: noOptions,
  keyedBy: "identity_column",
  pushOnly: true,
  async columns() {
    return [];
  },
  async preview() {
    return { columns: [], rows: [] };
  },
  async recordProperties() {
    return new Map();
  },
});

const PUSH_ICON =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2"><path d="M4 12h11"/><path d="M11 7l5 5-5 5"/><rect x="17" y="4" width="4" height="16" rx="1"/></svg>';

export const pushPlugin = definePlugin({
  name: "push",
  displayName: "API & webhooks",
  icon: PUSH_ICON,
  apps: [
    defineAppType<NoOptions>({
      type: "push",
      displayName: "API & webhooks",
      description: "Receive customer data sent to Groupflow's import API or a Source's signed webhook.",
      options: [],
      optionsSchema: noOptions,
      async test() {
        return { ok: true, message: "Ready to receive imports by API and webhook" };
      },
      sources: [pushSource],
      destinations: [],
    }),
  ],
});
