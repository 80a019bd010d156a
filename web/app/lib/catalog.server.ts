import { loadFromApi, type Caller } from "./api.server";
import type { PluginInfo } from "./models";

/** The installed plugins with everything their forms need. */
export const loadPlugins = (caller: Caller) => loadFromApi<{ plugins: PluginInfo[] }>(caller, "/plugins");
