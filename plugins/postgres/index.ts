import { definePlugin } from "../contract";
import { postgresApp } from "./app";

const POSTGRES_ICON =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round"><path d="M12 3c-4.4 0-8 1.8-8 4v10c0 2.2 3.6 4 8 4s8-1.8 8-4V7c0-2.2-3.6-4-8-4z"/><path d="M4 7c0 2.2 3.6 4 8 4s8-1.8 8-4"/><path d="M9 14.5h2.5a1.5 1.5 0 0 0 0-3H9v6"/><path d="M17 12h-2v5.5h2v-2.5"/></svg>';

export const postgresPlugin = definePlugin({
  name: "postgres",
  displayName: "PostgreSQL",
  icon: POSTGRES_ICON,
  apps: [postgresApp],
});
