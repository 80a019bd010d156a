import type { ApiError, FormFailure } from "./types";

/** The form field an API error is about, when its details name one (conflicts, validation, missing input). */
export function errorField(error: ApiError | undefined): string | null {
  const details = error?.details as unknown;
  if (!details || typeof details !== "object") return null;
  if (Array.isArray(details)) {
    const path = (details[0] as { path?: unknown } | undefined)?.path;
    return typeof path === "string" ? path : null;
  }
  const { field, missing } = details as { field?: unknown; missing?: unknown };
  if (typeof field === "string") return field;
  if (Array.isArray(missing) && typeof missing[0] === "string") return missing[0];
  return null;
}

/** The error from the last post when it came from this form, on pages that carry several. */
export function errorOf(result: unknown, intent: string, id?: string): ApiError | undefined {
  if (!result || typeof result !== "object" || !("error" in result)) return undefined;
  const failure = result as FormFailure;
  return failure.intent === intent && (failure.id ?? "") === (id ?? "") ? failure.error : undefined;
}
