import { z } from "zod";
import { outboundUrl, PluginError, retryAfterMs, SendError, type ExportOutcome, type PluginContext } from "../contract";

export const HUBSPOT_API = "https://api.hubapi.com";

export const appOptionsSchema = z
  .object({
    accessToken: z.string().trim().min(1, "is required").regex(/^\S+$/, "must not contain spaces"),
    baseUrl: z
      .union([
        z.literal("").transform(() => HUBSPOT_API),
        z
          .string()
          .url("must be a URL")
          .refine((u) => /^https?:\/\//.test(u), "must be an http or https URL"),
      ])
      .default(HUBSPOT_API),
  })
  .strict();
export type HubSpotApp = z.infer<typeof appOptionsSchema>;

/** When HubSpot names no wait, its rolling limit frees up within its ten-second window. */
const ROLLING_WINDOW_MS = 10_000;

const msUntilNextUtcMidnight = (now = Date.now()) => {
  const today = new Date(now);
  return Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate() + 1) - now;
};

/** The `[{ name, message }]` list HubSpot appends to a validation message, e.g. "Property values were not valid: [...]". */
const propertyProblems = z.array(z.object({ name: z.string(), message: z.string() }));

function listedProblems(json: string): string | null {
  try {
    return propertyProblems
      .parse(JSON.parse(json))
      .map((p) => `${p.name}: ${p.message}`)
      .join("; ");
  } catch {
    return null;
  }
}

/** HubSpot's own words for a refusal, with a validation message's JSON list of properties read out as "name: message". */
export function hubspotMessage(body: unknown): string {
  const message = typeof (body as { message?: unknown } | null)?.message === "string" ? (body as { message: string }).message : "";
  const listed = /^([^[]*?):\s*(\[.*\])\s*$/s.exec(message);
  const readable = listed ? listedProblems(listed[2]!) : null;
  const text = listed && readable ? `${listed[1]}: ${readable}` : message;
  return text.slice(0, 500) || "no explanation given";
}

/**
 * A 429 names the limit it enforces: the ten-second rolling window passes quickly, while the daily
 * allowance only comes back the next day.
 */
function throttled(response: Response, body: unknown): SendError {
  const policy = (body as { policyName?: unknown } | null)?.policyName;
  if (policy === "DAILY") {
    return new SendError(`HubSpot's daily limit of API calls is used up (${hubspotMessage(body)}); sending resumes after midnight UTC`, true, {
      status: 429,
      retryAfterMs: msUntilNextUtcMidnight(),
    });
  }
  const wait = retryAfterMs(response.headers.get("retry-after")) ?? ROLLING_WINDOW_MS;
  return new SendError(`HubSpot is throttling requests${typeof policy === "string" ? ` (${policy})` : ""}: ${hubspotMessage(body)}`, true, { status: 429, retryAfterMs: wait });
}

export interface Answer {
  status: number;
  body: any;
}

/**
 * One call to HubSpot. Throttling, server errors and lost connections throw a retryable SendError;
 * a refused token throws one that is not. Any other answer is returned for the caller to read.
 */
export async function call(app: HubSpotApp, ctx: PluginContext, method: "GET" | "POST" | "PUT", path: string, body?: unknown): Promise<Answer> {
  const url = outboundUrl(`${app.baseUrl.replace(/\/+$/, "")}${path}`, ctx);
  ctx.onQuery?.(`${method} ${url.pathname}`);
  let response: Response;
  try {
    response = await fetch(url, {
      method,
      headers: { authorization: `Bearer ${app.accessToken}`, accept: "application/json", ...(body === undefined ? {} : { "content-type": "application/json" }) },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: ctx.signal,
    });
  } catch (err) {
    throw new SendError(`Could not reach HubSpot at ${url.host}: ${(err as Error).message}`, true);
  }
  const text = await response.text();
  let parsed: unknown = null;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    parsed = { message: text.slice(0, 200) };
  }
  if (response.status === 429) throw throttled(response, parsed);
  if (response.status >= 500) {
    throw new SendError(`HubSpot answered ${response.status}: ${hubspotMessage(parsed)}`, true, { status: response.status, retryAfterMs: retryAfterMs(response.headers.get("retry-after")) });
  }
  if (response.status === 401 || response.status === 403) {
    throw new SendError(`HubSpot refused the access token (${response.status}): ${hubspotMessage(parsed)}`, false, { status: response.status });
  }
  return { status: response.status, body: parsed };
}

/** Throws the answer as a refusal that is not retried unless its status is one of `expected`. */
export function expectStatus(answer: Answer, expected: number[], doing: string): Answer {
  if (expected.includes(answer.status)) return answer;
  throw new SendError(`HubSpot refused to ${doing} (${answer.status}): ${hubspotMessage(answer.body)}`, false, { status: answer.status });
}

/** A failed request as one item's outcome; anything but a SendError is taken for a passing fault and tried again. */
export const failureOf = (err: unknown): Extract<ExportOutcome, { ok: false }> => {
  const refusal = err instanceof SendError ? err : new SendError(err instanceof Error ? err.message : String(err), true);
  return { ok: false, error: refusal.message, retryable: refusal.retryable, retryAfterMs: refusal.details.retryAfterMs };
};

/** Outside of sending (reading fields), a refusal reaches the person as a plugin error with HubSpot's words. */
export function asPluginError(err: unknown): PluginError {
  if (err instanceof PluginError) return err;
  return new PluginError("connection_failed", err instanceof Error ? err.message : String(err));
}

/** What HubSpot's batch endpoints answer: the records done, and the rows refused (207), grouped by category with their ids. */
export const batchAnswerSchema = z.object({
  results: z
    .array(
      z.object({
        id: z.string(),
        properties: z.record(z.string(), z.string().nullable()).default({}),
        new: z.boolean().optional(),
      }),
    )
    .default([]),
  errors: z
    .array(
      z.object({
        category: z.string().optional(),
        message: z.string().optional(),
        context: z.object({ ids: z.array(z.string()).optional() }).optional(),
      }),
    )
    .default([]),
});
export type BatchAnswer = z.infer<typeof batchAnswerSchema>;

/** A batch answer, or a refusal: an answer in a shape HubSpot does not document will not read better when tried again. */
export function readBatch(answer: Answer): BatchAnswer {
  const read = batchAnswerSchema.safeParse(answer.body ?? {});
  if (read.success) return read.data;
  const issue = read.error.issues[0];
  throw new SendError(`HubSpot's answer (${answer.status}) could not be read: ${issue ? `${issue.path.join(".")}: ${issue.message}` : "unexpected shape"}`, false, { status: answer.status });
}
