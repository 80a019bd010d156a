import { PluginError, type PluginContext } from "../../plugins/contract";
import { ApiError } from "../errors";
import { log } from "../log";

export const PLUGIN_TIMEOUT_MS = 15_000;

/**
 * Calls into a plugin with a deadline. A plugin's own refusal (PluginError) reaches the person with
 * its message, e.g. the database's words for a bad table; a time-out says how long it waited.
 */
export async function runPlugin<T>(
  what: string,
  base: Omit<PluginContext, "signal" | "onQuery">,
  call: (ctx: PluginContext) => Promise<T>,
  timeoutMs = PLUGIN_TIMEOUT_MS,
): Promise<T> {
  const controller = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(new ApiError("plugin_error", `${what} timed out after ${Math.round(timeoutMs / 1000)} s`, { code: "timeout" }));
    }, timeoutMs);
  });
  try {
    const onQuery = (statement: string) => log("debug", "plugin statement", { what, tenantId: base.tenantId, statement: statement.slice(0, 1000) });
    return await Promise.race([call({ ...base, signal: controller.signal, onQuery }), deadline]);
  } catch (err) {
    if (err instanceof ApiError) throw err;
    if (err instanceof PluginError) throw new ApiError("plugin_error", `${what} failed: ${err.message}`, { code: err.code, ...err.details });
    log("warn", "plugin threw an unexpected error", { what, error: (err as Error)?.message });
    throw new ApiError("plugin_error", `${what} failed: ${(err as Error)?.message ?? String(err)}`, { code: "unexpected" });
  } finally {
    clearTimeout(timer);
  }
}
