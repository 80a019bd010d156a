import { z } from "zod";
import { defineAppType, defineDestinationType, definePlugin, outboundUrl, retryAfterMs, SendError, type EventItem, type ExportItem, type ExportOutcome, type PluginContext } from "../contract";
import { SIGNATURE_HEADER, signatureHeader } from "./signature";

const headersSchema = z
  .string()
  .max(4000)
  .transform((text, ctx) => {
    if (!text.trim()) return {} as Record<string, string>;
    try {
      const parsed = z.record(z.string().regex(/^[A-Za-z0-9-]{1,100}$/, "header names are letters, digits and -"), z.string().max(1000)).parse(JSON.parse(text));
      return parsed;
    } catch {
      ctx.addIssue({ code: "custom", message: 'must be a JSON object of header names to values, e.g. {"X-Team": "growth"}' });
      return z.NEVER;
    }
  });

const appOptionsSchema = z
  .object({
    url: z.string().url("must be a URL").refine((u) => /^https?:\/\//.test(u), "must be an http or https URL"),
    secret: z.string().min(16, "must be at least 16 characters"),
    headers: headersSchema.default(""),
  })
  .strict();
type WebhookApp = z.infer<typeof appOptionsSchema>;

const destinationOptionsSchema = z.object({ batch: z.boolean().default(true), requestsPerSecond: z.number().int().min(1).max(100).default(10) }).strict();
type WebhookDestination = z.infer<typeof destinationOptionsSchema>;

/** Deliveries per request when batched. */
const BATCH_SIZE = 100;

const deliveryOf = (item: ExportItem) => ({ id: item.exportId, action: item.action, record_id: item.recordId, fields: item.fields, lists: item.lists });

/** A forwarded event: what happened and when, its data, and the Record's mapped fields as `record`. */
const eventDeliveryOf = (item: EventItem) => ({
  id: item.exportId,
  type: "event",
  event_id: item.event.id,
  name: item.event.name,
  occurred_at: item.event.occurredAt,
  data: item.event.data,
  record_id: item.recordId,
  record: item.fields,
  lists: item.lists,
});

/** Per-row answers a receiver may give: `{ "results": [{ "id", "ok", "error" }] }`. */
const rowAnswers = z.object({ results: z.array(z.object({ id: z.string(), ok: z.boolean(), error: z.string().optional() })) });

async function post(app: WebhookApp, body: string, ctx: PluginContext): Promise<Response> {
  const url = outboundUrl(app.url, ctx);
  const headers = { ...app.headers, "content-type": "application/json", [SIGNATURE_HEADER]: await signatureHeader(app.secret, Math.floor(Date.now() / 1000), body) };
  ctx.onQuery?.(`POST ${url.origin}${url.pathname}`);
  try {
    return await fetch(url, { method: "POST", headers, body, signal: ctx.signal });
  } catch (err) {
    throw new SendError(`Could not reach ${url.host}: ${(err as Error).message}`, true);
  }
}

const webhookDestination = defineDestinationType<WebhookApp, WebhookDestination>({
  type: "webhook",
  displayName: "Webhook",
  description: "POSTs each change, and each event it subscribes to, as signed JSON to the App's URL, one at a time or in batches.",
  options: [
    { key: "batch", label: "Send in batches", kind: "boolean", required: false, default: true, description: `Up to ${BATCH_SIZE} changes per request, as { "deliveries": [...] }` },
    { key: "requestsPerSecond", label: "Requests per second", kind: "number", required: false, default: 10 },
  ],
  optionsSchema: destinationOptionsSchema,
  limits: (_app, destination) => ({ batchSize: destination.batch ? BATCH_SIZE : 1, requestsPerSecond: destination.requestsPerSecond, concurrency: 2 }),
  async fields() {
    return { fields: [], customFields: true, lists: { label: "Lists" } };
  },
  send: (app, destination, items, ctx) => deliver(app, ctx, items, destination.batch ? { deliveries: items.map(deliveryOf) } : deliveryOf(items[0]!)),
  sendEvents: (app, destination, items, ctx) => deliver(app, ctx, items, destination.batch ? { deliveries: items.map(eventDeliveryOf) } : eventDeliveryOf(items[0]!)),
});

/**
 * POSTs one body of deliveries and reads the receiver's answer: throttling and server errors are
 * retried, other refusals are not, and a 2xx may still refuse single rows by id.
 */
async function deliver(app: WebhookApp, ctx: PluginContext, items: { exportId: string }[], payload: unknown): Promise<Map<string, ExportOutcome>> {
  const response = await post(app, JSON.stringify(payload), ctx);
  const text = await response.text();
  const excerpt = text.slice(0, 200);
  if (response.status === 429 || response.status === 408 || response.status >= 500) {
    throw new SendError(`The receiver answered ${response.status}${excerpt ? `: ${excerpt}` : ""}`, true, { status: response.status, retryAfterMs: retryAfterMs(response.headers.get("retry-after")) });
  }
  if (!response.ok) throw new SendError(`The receiver refused the delivery with ${response.status}${excerpt ? `: ${excerpt}` : ""}`, false, { status: response.status });
  const summary = { status: response.status };
  let answers: z.infer<typeof rowAnswers> | null = null;
  try {
    answers = rowAnswers.parse(JSON.parse(text));
  } catch {
    answers = null;
  }
  const byId = new Map(answers?.results.map((r) => [r.id, r]) ?? []);
  return new Map<string, ExportOutcome>(
    items.map((item) => {
      const answer = byId.get(item.exportId);
      if (answer && !answer.ok) return [item.exportId, { ok: false, error: answer.error ?? "The receiver refused this delivery", retryable: false }];
      return [item.exportId, { ok: true, summary }];
    }),
  );
}

const WEBHOOK_ICON =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2"><circle cx="6" cy="17" r="3"/><circle cx="18" cy="17" r="3"/><circle cx="12" cy="6" r="3"/><path d="M9 17h6M10.5 8.5 7.5 14.5M13.5 8.5l3 6"/></svg>';

export const webhookPlugin = definePlugin({
  name: "webhook",
  displayName: "Webhook",
  icon: WEBHOOK_ICON,
  apps: [
    defineAppType<WebhookApp>({
      type: "webhook",
      displayName: "Webhook",
      description: "A URL that receives signed JSON whenever Records change.",
      options: [
        { key: "url", label: "URL", kind: "string", required: true, placeholder: "https://example.com/groupflow" },
        { key: "secret", label: "Signing secret", kind: "string", required: true, secret: true, description: `Signs each delivery in the ${SIGNATURE_HEADER} header: t=<time>,v1=<HMAC-SHA256 of "<time>.<body>">` },
        { key: "headers", label: "Extra headers", kind: "text", required: false, placeholder: '{"X-Team": "growth"}' },
      ],
      optionsSchema: appOptionsSchema,
      async test(options, ctx) {
        try {
          const response = await post(options, JSON.stringify({ type: "ping" }), ctx);
          return response.ok ? { ok: true, message: `The receiver answered ${response.status}` } : { ok: false, error: `The receiver answered ${response.status}` };
        } catch (err) {
          return { ok: false, error: (err as Error).message };
        }
      },
      sources: [],
      destinations: [webhookDestination],
    }),
  ],
});
