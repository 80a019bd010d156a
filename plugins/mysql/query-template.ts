import { PluginError, placeholderKeys } from "../contract";

/** A query Source's SQL with each `{{ key }}` turned into a `?`, and the keys in the order of those `?`s. */
export interface CompiledQuery {
  sql: string;
  keys: string[];
}

const PLACEHOLDER_AT = /^\{\{\s*([a-z][a-z0-9_]*)\s*\}\}/;

const fail = (message: string): never => {
  throw new PluginError("invalid_options", message);
};

/** The end of a quoted string or identifier starting at `start`: quotes double to escape, and backslashes escape in strings. */
function closingQuote(text: string, start: number): number {
  const quote = text[start]!;
  for (let i = start + 1; i < text.length; i++) {
    if (text[i] === "\\" && quote !== "`") i++;
    else if (text[i] === quote && text[i + 1] === quote) i++;
    else if (text[i] === quote) return i + 1;
  }
  return fail(`The query has an unclosed ${quote} quote`);
}

function noPlaceholderIn(part: string, where: string) {
  const [key] = placeholderKeys(part);
  if (key) fail(`{{ ${key} }} is inside ${where}; placeholders are bound as values, so write them bare (e.g. where email = {{ ${key} }})`);
}

/**
 * Turns placeholders into bound parameters. Placeholders inside quotes or comments are refused rather
 * than silently left alone, a bare `?` is refused (it would be a value with no name), and only one
 * statement is allowed.
 */
export function compileQuery(text: string): CompiledQuery {
  let sql = "";
  const keys: string[] = [];
  let ended = false;
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    const next = text[i + 1];
    let end = i + 1;
    if (c === "'" || c === '"' || c === "`") {
      end = closingQuote(text, i);
      noPlaceholderIn(text.slice(i, end), c === "`" ? "a quoted name" : "a quoted string");
    } else if (c === "#" || (c === "-" && next === "-" && /^(\s|$)/.test(text[i + 2] ?? ""))) {
      const newline = text.indexOf("\n", i);
      end = newline === -1 ? text.length : newline;
      noPlaceholderIn(text.slice(i, end), "a comment");
    } else if (c === "/" && next === "*") {
      const close = text.indexOf("*/", i + 2);
      if (close === -1) fail("The query has an unclosed /* comment");
      end = close + 2;
      noPlaceholderIn(text.slice(i, end), "a comment");
    } else if (c === "{" && next === "{") {
      const match = PLACEHOLDER_AT.exec(text.slice(i));
      if (!match) fail(`"{{" must start a placeholder such as {{ user_id }} (lowercase letters, digits and _)`);
      keys.push(match![1]!);
      sql += "?";
      i += match![0].length;
      continue;
    } else if (c === "?") {
      fail("Use {{ property_key }} placeholders for values, not ?");
    } else if (c === ";") {
      ended = true;
    } else if (ended && !/\s/.test(c)) {
      fail("The query must be a single statement");
    }
    // After the closing semicolon only comments and blanks may follow, and they are dropped.
    if (!ended) sql += text.slice(i, end);
    i = end;
  }
  sql = sql.trim();
  if (!sql) fail("The query is empty");
  return { sql, keys };
}
