import type { Context } from "hono";
import { z } from "zod";
import type { EventInput } from "../events/receive";
import { ApiError } from "../errors";
import { jsonBody, parseWith } from "../validation";

export const MAX_EVENTS_PER_REQUEST = 1000;
/** One event, as JSON: enough for a cart's worth of items, too little for a file sent by mistake. */
export const MAX_EVENT_BYTES = 64 * 1024;

const scalar = z.union([z.string(), z.number(), z.boolean(), z.null()]);
const value = z.union([scalar, z.array(scalar).max(1000)], { errorMap: () => ({ message: "must be a string, number, boolean, null or a list of those" }) });
const key = z.string().min(1).max(128);
const eventSchema = z
  .object({
    id: z.string().regex(/^[\x20-\x7e]{1,200}$/, "must be 1 to 200 printable characters").optional(),
    name: z.string({ required_error: "is required" }).trim().min(1, "is required").max(200),
    occurredAt: z
      .string()
      .datetime({ offset: true, message: "must be an ISO-8601 date-time" })
      .transform((v) => new Date(v))
      .optional(),
    identity: z.record(key, value, { required_error: "is required: a unique Property and its value, e.g. { \"email\": \"ada@example.com\" }" }),
    data: z.record(key, value).default({}),
  })
  .strict();
const eventBatch = z
  .array(z.unknown())
  .min(1, "send at least one event")
  .max(MAX_EVENTS_PER_REQUEST, `send at most ${MAX_EVENTS_PER_REQUEST} events in one request`);

const bytes = (v: unknown) => new TextEncoder().encode(JSON.stringify(v)).length;

/** A request's events: one JSON object, or an array of them. Every one is checked before any is stored. */
export async function eventsBody(c: Context): Promise<EventInput[]> {
  const body = await jsonBody(c, z.unknown());
  const items = parseWith(eventBatch, Array.isArray(body) ? body : [body], "request body");
  const oversized = items.findIndex((item) => bytes(item) > MAX_EVENT_BYTES);
  if (oversized >= 0) throw new ApiError("payload_too_large", `The event at index ${oversized} is ${bytes(items[oversized]).toLocaleString("en-US")} bytes; an event may be at most ${MAX_EVENT_BYTES.toLocaleString("en-US")}. Nothing was stored`);
  return items.map((item, index) => parseWith(eventSchema, item, `event at index ${index}`));
}
