import { z } from "zod";

export const API_TOPICS = [
  "apps",
  "sources",
  "properties",
  "records",
  "groups",
  "destinations",
  "exports",
  "imports",
  "events",
  "runs",
  "settings",
  "team",
] as const;
export type ApiTopic = (typeof API_TOPICS)[number];
export type Access = "read" | "write";
export type ApiScope = `${Access}:${ApiTopic}`;

export const ALL_SCOPES: ApiScope[] = API_TOPICS.flatMap((topic) => [`read:${topic}`, `write:${topic}`] as ApiScope[]);

export const apiScopeSchema = z.enum(ALL_SCOPES as [ApiScope, ...ApiScope[]]);

/** `write` on a topic includes `read` on it: a key that may change something may also see it. */
export function scopesAllow(granted: readonly ApiScope[], required: ApiScope): boolean {
  if (granted.includes(required)) return true;
  const [access, topic] = required.split(":") as [Access, ApiTopic];
  return access === "read" && granted.includes(`write:${topic}`);
}
