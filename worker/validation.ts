import type { Context } from "hono";
import type { z } from "zod";
import { ApiError } from "./errors";

function issuesToDetails(error: z.ZodError) {
  return error.issues.map((issue) => ({
    path: issue.path.join(".") || "(root)",
    message: issue.message,
  }));
}

export function parseWith<S extends z.ZodTypeAny>(schema: S, value: unknown, where: string): z.infer<S> {
  const result = schema.safeParse(value);
  if (!result.success) {
    const details = issuesToDetails(result.error);
    const first = details[0]!;
    throw new ApiError("invalid_request", `Invalid ${where}: ${first.path}: ${first.message}`, details);
  }
  return result.data;
}

/** Reads a JSON body: it must be declared as JSON, parse as JSON, and match the (strict) schema. */
export async function jsonBody<S extends z.ZodTypeAny>(c: Context, schema: S): Promise<z.infer<S>> {
  const type = c.req.header("content-type") ?? "";
  if (!/^application\/json\b/i.test(type)) {
    throw new ApiError("unsupported_media_type", "Send the request body as JSON with Content-Type: application/json");
  }
  const text = await c.req.text();
  let value: unknown;
  try {
    value = text.length ? JSON.parse(text) : undefined;
  } catch (err) {
    throw new ApiError("invalid_json", `The request body is not valid JSON: ${(err as Error).message}`);
  }
  return parseWith(schema, value, "request body");
}

export function queryParams<S extends z.ZodTypeAny>(c: Context, schema: S): z.infer<S> {
  return parseWith(schema, c.req.query(), "query parameters");
}
