import type { Property, Source } from "../db/schema";
import { findSourceType, findAppType } from "../plugins/registry";
import type { App } from "../db/schema";

/** What hydration does with each key of an API or webhook Import. */
export interface ImportKeys {
  /** Properties whose values the Import sets (Properties of push-only Sources). */
  applied: Property[];
  /** Unique Properties read from another Source: their values find the Record but are read back from that Source. */
  identifying: Property[];
  /** Properties read from another Source that do not identify: the value sent is not stored. */
  ignored: Property[];
  /** Keys that are not Properties of the workspace. */
  unknown: string[];
}

/** Whether a Source's values arrive only by Import, so hydration keeps the imported values. */
export function isPushOnly(source: Source, app: App) {
  const { appType } = findAppType(app.plugin, app.type);
  return Boolean(findSourceType(appType, source.type).pushOnly);
}

/**
 * Sorts an Import's keys. `pushOnlySourceIds` names the Sources whose values arrive only by Import;
 * every other Source is read back at hydration and its value there wins, so sending it does nothing
 * unless it identifies the Record.
 */
export function classifyImportKeys(data: Record<string, unknown>, properties: Property[], pushOnlySourceIds: ReadonlySet<string>): ImportKeys {
  const byKey = new Map(properties.map((p) => [p.key, p]));
  const keys: ImportKeys = { applied: [], identifying: [], ignored: [], unknown: [] };
  for (const key of Object.keys(data)) {
    const property = byKey.get(key);
    if (!property) keys.unknown.push(key);
    else if (pushOnlySourceIds.has(property.sourceId)) keys.applied.push(property);
    else if (property.unique) keys.identifying.push(property);
    else keys.ignored.push(property);
  }
  return keys;
}

/** Warnings for the keys an Import sends that will not be stored, in words for the sender. */
export function importKeyWarnings(keys: ImportKeys, sourceNames: ReadonlyMap<string, string>): string[] {
  return [
    ...keys.unknown.map((k) => `"${k}" is not a Property; it was ignored`),
    ...keys.ignored.map((p) => `"${p.key}" is read from Source "${sourceNames.get(p.sourceId) ?? p.sourceId}"; the value sent was ignored`),
  ];
}
