import type { OptionSpec, Options } from "./models";

const PLACEHOLDER = /\{\{\s*([a-z][a-z0-9_]*)\s*\}\}/g;

/** The Property keys a query names as `{{ key }}`, each once, in order of appearance. */
export function placeholderKeys(specs: OptionSpec[], options: Options): string[] {
  const sql = specs.filter((s) => s.kind === "sql").map((s) => String(options[s.key] ?? ""));
  return [...new Set(sql.flatMap((text) => [...text.matchAll(PLACEHOLDER)].map((m) => m[1]!)))];
}

/** Form fields for placeholder values, prefixed like option fields. */
export const placeholderField = (key: string) => `value.${key}`;

/** Placeholder values without the blank ones: a blank is no value (bound as null), not an empty text. */
export const filledIn = (values: Record<string, string>) => Object.fromEntries(Object.entries(values).filter(([, value]) => value.trim() !== ""));
