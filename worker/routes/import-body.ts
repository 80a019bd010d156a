import type { Context } from "hono";
import { z } from "zod";
import { jsonBody, parseWith } from "../validation";

export const MAX_IMPORTS_PER_REQUEST = 1000;

const scalar = z.union([z.string(), z.number(), z.boolean(), z.null()]);
const importValue = z.union([scalar, z.array(scalar).max(1000)], {
  errorMap: () => ({ message: "must be a string, number, boolean, null or a list of those" }),
});
/** One import: Property keys to values. Unknown keys are allowed here and become warnings later. */
const notAnObject = "must be an object of Property keys and values";
const importData = z.record(z.string().min(1).max(128), importValue, { invalid_type_error: notAnObject, required_error: notAnObject });
const importBatch = z
  .array(z.unknown())
  .min(1, "send at least one import")
  .max(MAX_IMPORTS_PER_REQUEST, `send at most ${MAX_IMPORTS_PER_REQUEST} imports in one request`);
const idempotencyKey = z
  .string()
  .regex(/^[\x20-\x7e]{1,200}$/, "must be 1 to 200 printable characters")
  .optional();

/** A request's imports: one JSON object, or an array of them. Every one is checked before any is stored. */
export async function importsBody(c: Context): Promise<Record<string, unknown>[]> {
  const body = await jsonBody(c, z.unknown());
  const items = parseWith(importBatch, Array.isArray(body) ? body : [body], "request body");
  return items.map((item, index) => parseWith(importData, item, `import at index ${index}`));
}

export const idempotencyKeyOf = (c: Context) => parseWith(idempotencyKey, c.req.header("idempotency-key"), "Idempotency-Key header");
