import { z } from "zod";
import { PluginError } from "../contract";

/**
 * PostgreSQL silently truncates identifiers longer than 63 bytes, so a longer name could resolve
 * to a different column; a NUL byte cannot travel in the protocol at all.
 */
const MAX_IDENTIFIER_BYTES = 63;

export function identifierProblem(name: string): string | null {
  if (!name.length) return "is empty";
  if (name.includes("\0")) return "contains a NUL character";
  if (new TextEncoder().encode(name).length > MAX_IDENTIFIER_BYTES) return `is longer than ${MAX_IDENTIFIER_BYTES} bytes`;
  return null;
}

export const identifierSchema = z.string().superRefine((name, ctx) => {
  const problem = identifierProblem(name);
  if (problem) ctx.addIssue({ code: "custom", message: `name ${problem}` });
});

/** Quotes a name so PostgreSQL reads it as exactly that identifier, whatever characters it holds. */
export function quoteIdent(name: string): string {
  const problem = identifierProblem(name);
  if (problem) throw new PluginError("invalid_options", `The name "${name}" ${problem}`);
  return `"${name.replace(/"/g, '""')}"`;
}

export const qualified = (schema: string, table: string) => `${quoteIdent(schema)}.${quoteIdent(table)}`;
