import { json, redirect, type AppLoadContext } from "@remix-run/cloudflare";
import type { ApiError } from "./types";

export interface Caller {
  request: Request;
  context: AppLoadContext;
}

interface CallOptions {
  method?: "GET" | "POST" | "PATCH" | "DELETE";
  body?: unknown;
  csrfToken?: FormDataEntryValue | null;
  /**
   * Calls about a link rather than a person (looking up an invitation) leave the session out, so
   * they need no CSRF token and answer the same whoever happens to be logged in.
   */
  session?: boolean;
}

type ApiSuccess<T> = { ok: true; status: number; data: T; cookies: string[] };
type ApiResult<T> = ApiSuccess<T> | { ok: false; status: number; error: ApiError; cookies: string[] };

/** The API sees the host the browser used, which decides among other things whether its cookie is Secure. */
const apiUrl = (request: Request, path: string) => new URL(`/api/v1${path}`, request.url);

export async function callApi<T>({ request, context }: Caller, path: string, options: CallOptions = {}): Promise<ApiResult<T>> {
  const headers = new Headers({ accept: "application/json" });
  const cookie = request.headers.get("cookie");
  if (cookie && options.session !== false) headers.set("cookie", cookie);
  // Failed log-ins are throttled per client address, so the API must see the browser's, not ours.
  const ip = request.headers.get("cf-connecting-ip");
  if (ip) headers.set("cf-connecting-ip", ip);
  if (typeof options.csrfToken === "string") headers.set("x-csrf-token", options.csrfToken);
  if (options.body !== undefined) headers.set("content-type", "application/json");

  const response = await context.cloudflare.env.API.fetch(apiUrl(request, path), {
    method: options.method ?? "GET",
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const cookies = response.headers.getSetCookie();
  const payload = response.status === 204 ? null : await response.json().catch(() => null);
  if (response.ok) return { ok: true, status: response.status, data: payload as T, cookies };
  const error = (payload as { error?: ApiError } | null)?.error ?? {
    code: "bad_gateway",
    message: `The API answered with status ${response.status}`,
    details: null,
  };
  return { ok: false, status: response.status, error, cookies };
}

/** Headers that hand every cookie the API set on to the browser. */
export function relayCookies(...results: { cookies: string[] }[]): Headers {
  const headers = new Headers();
  for (const result of results) for (const cookie of result.cookies) headers.append("set-cookie", cookie);
  return headers;
}

function loginRedirect(request: Request, headers?: Headers): Response {
  const url = new URL(request.url);
  return redirect(`/login?next=${encodeURIComponent(url.pathname + url.search)}`, { headers });
}

/** A refusal to throw from a loader or action: to log in when logged out, else to the error page with the API's message. */
export function apiFailure(caller: Caller, result: ApiResult<unknown> & { ok: false }): Response {
  if (result.status === 401) return loginRedirect(caller.request, relayCookies(result));
  return json({ error: result.error }, { status: result.status, headers: relayCookies(result) });
}

/** For loaders: the answer (its cookies still to be relayed), or thrown as a refusal. */
export async function loadFromApi<T>(caller: Caller, path: string): Promise<ApiSuccess<T>> {
  const result = await callApi<T>(caller, path);
  if (result.ok) return result;
  throw apiFailure(caller, result);
}

/** For actions: the API's error, returned to the page that posted so it shows next to the form. */
export function formError(result: ApiResult<unknown> & { ok: false }, form: Record<string, string> = {}) {
  return json({ error: result.error, ...form }, { status: result.status, headers: relayCookies(result) });
}

/** Like formError, for forms that need a session: a 401 there means it ended, so the person logs in again. */
export function formFailure(caller: Caller, result: ApiResult<unknown> & { ok: false }, form: Record<string, string> = {}) {
  if (result.status === 401) return loginRedirect(caller.request, relayCookies(result));
  return formError(result, form);
}

/** A post naming no known form: a tampered or outdated page. */
export const badIntent = (intent: string) =>
  json({ error: { code: "invalid_request", message: `Unknown form "${intent}"`, details: null } }, { status: 400 });
