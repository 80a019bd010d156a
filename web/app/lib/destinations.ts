/** A Destination as the API lists it. */
export interface Destination {
  id: string;
  appId: string;
  name: string;
  type: string;
  groupId: string | null;
  syncMode: "sync" | "additive" | "enrich";
  exports?: Record<ExportState, number>;
  createdAt: string;
}

export const EXPORT_STATES = ["complete", "sending", "pending", "failed", "canceled"] as const;
export type ExportState = (typeof EXPORT_STATES)[number];

/** How each state is drawn: green sent, blue on its way, amber waiting, red failed, grey canceled. */
export const EXPORT_STATE_COLORS: Record<ExportState, string> = {
  complete: "#2f9e66",
  sending: "#3b63d9",
  pending: "#d9a21b",
  failed: "#d64545",
  canceled: "#a0a4ad",
};

export const SYNC_MODE_WORDS: Record<Destination["syncMode"], string> = {
  sync: "sync: creates, updates and removes",
  additive: "additive: creates and updates",
  enrich: "enrich: updates what is there",
};
