const BASE = "http://groupflow.invalid";

/** Where to go after logging in: only a path on this site, so a crafted link cannot send people elsewhere. */
export function safeNext(value: FormDataEntryValue | string | null | undefined, fallback = "/home"): string {
  if (typeof value !== "string" || !value.startsWith("/") || value.startsWith("//") || value.startsWith("/\\")) return fallback;
  try {
    const url = new URL(value, BASE);
    return url.origin === BASE ? url.pathname + url.search + url.hash : fallback;
  } catch {
    return fallback;
  }
}
