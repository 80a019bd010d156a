import { PLACEHOLDER, placeholderKeys } from "../contract";

/**
 * A query Source's SQL is only ever wrapped, never edited beyond its placeholders: each
 * `{{ key }}` becomes a parameter or a reference to a bound value, never the value's text.
 */

/** Each key once, in order of first appearance: the n-th key is the n-th bound value. */
export const distinctKeys = (sql: string) => [...new Set(placeholderKeys(sql))];

/** The SQL as a sub-select can hold it: without the trailing semicolons people habitually type. */
const asSubquery = (sql: string) => sql.replace(/[\s;]+$/, "");

/**
 * `(<sql>)`, each placeholder replaced by `ref(position of its key)`. The closing parenthesis goes
 * on its own line so that a trailing `--` comment cannot swallow it.
 */
export function subquery(sql: string, keys: string[], ref: (index: number) => string): string {
  const body = asSubquery(sql).replace(PLACEHOLDER, (_, key: string) => ref(keys.indexOf(key)));
  return `(\n${body}\n)`;
}
