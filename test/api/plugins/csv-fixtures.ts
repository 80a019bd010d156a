import { env, exports } from "cloudflare:workers";
import type { PluginContext, SourceType } from "../../../plugins/contract";
import { csvPlugin } from "../../../plugins/csv";
import type { AppOptions, SourceOptions } from "../../../plugins/csv/options";
import { PURCHASE_COLUMNS, purchasesOf, user, USER_COLUMNS } from "../../../plugins/sample/dataset";
import { tenantFileStore } from "../../../worker/files/file-store";
import { BASE, type Caller } from "../../support/api";

/** CSV text from the demo dataset: the same values the sample plugin and the database fixtures hold. */
export function usersCsv(count: number): string {
  const lines = [USER_COLUMNS.join(",")];
  for (let g = 1; g <= count; g++) lines.push(USER_COLUMNS.map((c) => String(user(g)[c])).join(","));
  return `${lines.join("\n")}\n`;
}

export function purchasesCsv(customers: number): string {
  const lines = [PURCHASE_COLUMNS.join(",")];
  for (let u = 1; u <= customers; u++) for (const p of purchasesOf(u)) lines.push(PURCHASE_COLUMNS.map((c) => String(p[c])).join(","));
  return `${lines.join("\n")}\n`;
}

export interface UploadOptions {
  contentType?: string;
  /** Overrides the Content-Length header; null sends none. */
  length?: number | null;
}

/** Uploads through the API with a raw body, as a browser or `curl --data-binary` would. */
export async function upload(as: Caller, name: string, body: string | Uint8Array | ReadableStream<Uint8Array>, opts: UploadOptions = {}) {
  const headers: Record<string, string> = { "content-type": opts.contentType ?? "text/csv" };
  if (as.cookie) headers.cookie = as.cookie;
  if (as.csrfToken) headers["x-csrf-token"] = as.csrfToken;
  if (as.key) headers.authorization = `Bearer ${as.key}`;
  const bytes = typeof body === "string" ? new TextEncoder().encode(body) : body;
  const length = opts.length === undefined ? (bytes instanceof Uint8Array ? bytes.byteLength : undefined) : opts.length;
  if (length !== undefined && length !== null) headers["content-length"] = String(length);
  // A stream body keeps exactly the headers given, so a missing or wrong length reaches the Worker as sent.
  const stream = bytes instanceof Uint8Array ? new Blob([bytes]).stream() : bytes;
  const res = await exports.default.fetch(`${BASE}/api/v1/files?name=${encodeURIComponent(name)}`, { method: "POST", headers, body: stream });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

export const fileSource = csvPlugin.apps[0]!.sources[0] as SourceType<AppOptions, SourceOptions>;

/** What the core hands the plugin for a workspace, with a log of every read the plugin starts. */
export function pluginContext(tenantId: string): PluginContext & { reads: string[] } {
  const reads: string[] = [];
  return { tenantId, signal: new AbortController().signal, files: tenantFileStore(env.FILES, tenantId), onQuery: (s) => reads.push(s), reads };
}

export const sourceOptions = (fileId: string, extra: Partial<Omit<SourceOptions, "fileId">> = {}): SourceOptions => ({ fileId, delimiter: "auto", header: "auto", ...extra });
