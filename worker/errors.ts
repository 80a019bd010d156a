import type { ContentfulStatusCode } from "hono/utils/http-status";

export type ErrorCode =
  | "invalid_json"
  | "invalid_request"
  | "unauthenticated"
  | "forbidden"
  | "csrf_failed"
  | "not_found"
  | "conflict"
  | "length_required"
  | "payload_too_large"
  | "unsupported_media_type"
  | "plugin_error"
  | "unprocessable"
  | "rate_limited"
  | "internal_error";

const STATUS: Record<ErrorCode, ContentfulStatusCode> = {
  invalid_json: 400,
  invalid_request: 400,
  unauthenticated: 401,
  forbidden: 403,
  csrf_failed: 403,
  not_found: 404,
  conflict: 409,
  length_required: 411,
  payload_too_large: 413,
  unsupported_media_type: 415,
  /** An outside system refused or failed (bad table, wrong password, unreachable host): the request was fine, the target was not. */
  plugin_error: 422,
  /** Well-formed, but nothing can be done with it: e.g. an Import that names no Record. */
  unprocessable: 422,
  rate_limited: 429,
  internal_error: 500,
};

/** The one error every route returns; the error handler turns it into `{ error: { code, message, details } }`. */
export class ApiError extends Error {
  readonly status: ContentfulStatusCode;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: unknown = undefined,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.status = STATUS[code];
  }
}

export const notFound = (what: string) => new ApiError("not_found", `${what} not found`);

export function errorBody(code: ErrorCode, message: string, details?: unknown) {
  return { error: { code, message, details: details ?? null } };
}
