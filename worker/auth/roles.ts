import { z } from "zod";
import { API_TOPICS, type ApiScope, type ApiTopic } from "./scopes";

export const ROLES = ["owner", "admin", "editor", "viewer"] as const;
export type Role = (typeof ROLES)[number];
export const roleSchema = z.enum(ROLES);

const DATA_TOPICS = API_TOPICS.filter((t): t is Exclude<ApiTopic, "settings" | "team"> => t !== "settings" && t !== "team");

/**
 * What each role may do, as scopes, so that people and API keys are checked by one rule.
 * Settings (workspace, API keys, audit log) and team management belong to owners and admins.
 */
export const ROLE_SCOPES: Record<Role, readonly ApiScope[]> = {
  owner: API_TOPICS.flatMap((t) => [`read:${t}`, `write:${t}`] as ApiScope[]),
  admin: API_TOPICS.flatMap((t) => [`read:${t}`, `write:${t}`] as ApiScope[]),
  editor: [...DATA_TOPICS.flatMap((t) => [`read:${t}`, `write:${t}`] as ApiScope[]), "read:team"],
  viewer: [...DATA_TOPICS.map((t) => `read:${t}` as ApiScope), "read:team"],
};
