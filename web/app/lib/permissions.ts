import type { SessionView } from "./types";

export type DataTopic = "apps" | "sources" | "properties" | "runs" | "groups" | "destinations" | "exports";

/** Whether the API would let this person change the topic; pages stay read-only where it would refuse. */
export const canWrite = (session: SessionView, topic: DataTopic) => session.scopes.includes(`write:${topic}`);
