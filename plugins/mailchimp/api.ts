import { z } from "zod";
import { outboundUrl, retryAfterMs, SendError, type PluginContext } from "../contract";

export const appOptionsSchema = z
  .object({
    apiKey: z.string().regex(/^[0-9a-f]{32}-[a-z]+\d+$/, "must be a Mailchimp API key: 32 hex characters, a dash and the data center, e.g. …-us6"),
    serverUrl: z.string().url("must be a URL").optional().or(z.literal("").transform(() => undefined)),
  })
  .strict();
export type MailchimpApp = z.infer<typeof appOptionsSchema>;

/** The API's root: the data center named in the key, unless the App points elsewhere (a proxy, or a local fake). */
export function apiRoot(app: MailchimpApp): string {
  if (app.serverUrl) return `${app.serverUrl.replace(/\/+$/, "")}/3.0`;
  return `https://${app.apiKey.split("-").pop()}.api.mailchimp.com/3.0`;
}

/** Mailchimp's member id: the MD5 of the lower-cased address. */
export async function subscriberHash(email: string): Promise<string> {
  const digest = await crypto.subtle.digest("MD5", new TextEncoder().encode(email.toLowerCase()));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** A Mailchimp problem document's words: its detail, and each field error. */
function problemText(body: unknown): string {
  const problem = body as { title?: string; detail?: string; errors?: { field?: string; message?: string }[] } | null;
  const fields = (problem?.errors ?? []).map((e) => `${e.field}: ${e.message}`).join("; ");
  return [problem?.detail ?? problem?.title, fields].filter(Boolean).join(" ") || "no explanation given";
}

export interface Answer {
  status: number;
  body: any;
}

/**
 * One call to the API. Throttling (429), server errors and lost connections throw a retryable
 * SendError, with the wait Mailchimp asked for; a refused key throws one that is not. Any other
 * answer is returned for the caller to read, since a 404 means different things per endpoint.
 */
export async function call(app: MailchimpApp, ctx: PluginContext, method: string, path: string, body?: unknown): Promise<Answer> {
  const url = outboundUrl(`${apiRoot(app)}${path}`, ctx);
  ctx.onQuery?.(`${method} ${url.pathname}`);
  let response: Response;
  try {
    response = await fetch(url, {
      method,
      headers: { authorization: `Basic ${btoa(`groupflow:${app.apiKey}`)}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: ctx.signal,
    });
  } catch (err) {
    throw new SendError(`Could not reach Mailchimp at ${url.host}: ${(err as Error).message}`, true);
  }
  const text = await response.text();
  let parsed: unknown = null;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    parsed = { detail: text.slice(0, 200) };
  }
  if (response.status === 429 || response.status >= 500) {
    throw new SendError(`Mailchimp answered ${response.status}: ${problemText(parsed)}`, true, { status: response.status, retryAfterMs: retryAfterMs(response.headers.get("retry-after")) });
  }
  if (response.status === 401 || response.status === 403) throw new SendError(`Mailchimp refused the API key: ${problemText(parsed)}`, false, { status: response.status });
  return { status: response.status, body: parsed };
}

/** Throws the answer's problem as a refusal (not retried) unless it is one of `expected`. */
export function expectStatus(answer: Answer, expected: number[], doing: string): Answer {
  if (expected.includes(answer.status)) return answer;
  throw new SendError(`Mailchimp refused to ${doing} (${answer.status}): ${problemText(answer.body)}`, false, { status: answer.status });
}
