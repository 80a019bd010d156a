import { PluginError, type PluginErrorCode } from "../contract";

/** Refusals the option itself causes; an unreachable server or a failing query says nothing about it. */
const CAUSED_BY_OPTION: ReadonlySet<PluginErrorCode> = new Set(["invalid_options", "not_found"]);

/**
 * Checks one option against the outside system. What it refuses names that option, so the person is
 * told which one to change; `refusalOf` turns the driver's own errors into the plugin's refusals first.
 */
export async function checkingOption<T>(option: string, check: () => T | Promise<T>, refusalOf: (err: unknown) => unknown): Promise<T> {
  try {
    return await check();
  } catch (err) {
    const refusal = refusalOf(err);
    if (refusal instanceof PluginError && CAUSED_BY_OPTION.has(refusal.code)) throw new PluginError(refusal.code, refusal.message, { ...refusal.details, option });
    throw refusal;
  }
}
