import { z } from "zod";

/**
 * The contract between Groupflow and a plugin. A plugin knows one kind of outside system: how to
 * connect to it (an App type), how to read from it (Source types) and how to write to it
 * (Destination types). The core never talks to an outside system except through this contract.
 */

export type OptionKind = "string" | "text" | "sql" | "number" | "boolean" | "select";

/** How one option is shown in the UI and checked; the zod schema beside it is the authority. */
export interface OptionSpec {
  key: string;
  label: string;
  kind: OptionKind;
  required: boolean;
  /** Secret options are encrypted at rest and never returned by the API. */
  secret?: boolean;
  description?: string;
  placeholder?: string;
  default?: string | number | boolean;
  /** Fixed choices for `select` options. */
  choices?: { value: string; label: string }[];
  /** The plugin lists the choices at run time with `optionChoices` (e.g. the tables of a database). */
  dynamicChoices?: boolean;
}

export type Row = Record<string, unknown>;

export interface Column {
  name: string;
  /** The outside system's own type name, e.g. `timestamptz` or `varchar(255)`. */
  type: string;
  /** Whether the column can serve as a high-water mark for incremental imports. */
  incremental: boolean;
}

export type TestResult = { ok: true; message: string } | { ok: false; error: string };

export const PLUGIN_ERROR_CODES = ["connection_failed", "invalid_options", "not_found", "query_failed", "bad_file"] as const;
export type PluginErrorCode = (typeof PLUGIN_ERROR_CODES)[number];

/**
 * What a plugin throws when the outside system refuses: the message is shown to the person as it
 * is (it carries the database's own words), so it must never contain a secret. A refusal that one
 * of the Destination's options caused (a table that is not there, a key column that is not unique)
 * names it in `details.option`: saving the Destination then answers as for any invalid field.
 */
export class PluginError extends Error {
  constructor(
    readonly code: PluginErrorCode,
    message: string,
    readonly details?: Record<string, unknown> & { option?: string },
  ) {
    super(message);
    this.name = "PluginError";
  }
}

/** Services the core lends a plugin for one call. */
export interface PluginContext {
  tenantId: string;
  /** Aborted when the call's time is up; plugins pass it on to their I/O. */
  signal: AbortSignal;
  /** Uploaded files (CSV), stored per workspace. */
  files: FileStore;
  /** The workspace's events, for Sources that read them back (computed Properties). */
  events?: EventStore;
  /** Whether the workspace lets plugins reach private and loopback addresses (local development). */
  allowPrivateNetwork?: boolean;
  /** Told of every statement or request sent to the outside system, for logs and diagnostics. */
  onQuery?(statement: string): void;
}

export interface FileStore {
  /** Streams a stored file from `offset` bytes on (default 0), or null when it does not exist. */
  read(fileId: string, options?: { offset?: number }): Promise<ReadableStream<Uint8Array> | null>;
  /** Size in bytes, or null when the file does not exist. */
  size(fileId: string): Promise<number | null>;
  /** The workspace's uploaded files, newest first, for choosing one in a Source's options. */
  list?(): Promise<StoredFileSummary[]>;
}

/**
 * Events as rows: `record_id`, `name`, `occurred_at` (ISO-8601) and each data key as `data.<key>`
 * (a list value as a JSON array text, like any other list read from a Source).
 */
export interface EventStore {
  /** Every stored event of these Records (only those named `names`, when given). */
  rowsOf(recordIds: string[], names?: string[]): Promise<Row[]>;
  /** The workspace's latest events, newest first, for previews and for listing which data keys there are. */
  latest(limit: number): Promise<Row[]>;
}

export interface StoredFileSummary {
  id: string;
  name: string;
  size: number;
  uploadedAt: Date;
}

export interface PreviewRequest {
  limit: number;
  /** Placeholder values for Sources keyed by placeholders, e.g. `{ user_id: "42" }`, to preview one Record's rows. */
  values?: Record<string, string>;
}

/* ---------- reading: Properties ask Sources for values ---------- */

export const AGGREGATIONS = ["exact", "sum", "count", "average", "min", "max", "most_recent", "least_recent"] as const;
export type Aggregation = (typeof AGGREGATIONS)[number];

export const FILTER_OPS = ["eq", "ne", "gt", "gte", "lt", "lte", "contains", "not_contains", "exists", "not_exists", "in", "in_last"] as const;
export type FilterOp = (typeof FILTER_OPS)[number];

/** The units an `in_last` window is counted in, and each one's length. */
export const WINDOW_UNIT_MS = { minutes: 60_000, hours: 3_600_000, days: 86_400_000 } as const;
type WindowUnit = keyof typeof WINDOW_UNIT_MS;
const WINDOW_UNITS = Object.keys(WINDOW_UNIT_MS) as [WindowUnit, ...WindowUnit[]];
/** Ten years: longer than any event is kept, and still a window rather than "ever". */
const MAX_WINDOW_DAYS = 3650;

const WHOLE_AMOUNT = "amount must be a whole number, at least 1";

/** `in_last`'s value: the window reaching back from now, e.g. `{ "amount": 7, "unit": "days" }`. */
const relativeWindowSchema = z
  .object(
    {
      amount: z.number({ invalid_type_error: WHOLE_AMOUNT, required_error: "amount is required" }).int(WHOLE_AMOUNT).min(1, WHOLE_AMOUNT),
      unit: z.enum(WINDOW_UNITS, { errorMap: () => ({ message: `unit must be one of ${WINDOW_UNITS.join(", ")}` }) }),
    },
    { errorMap: (issue, ctx) => ({ message: issue.code === "invalid_type" ? `filter "in_last" needs a window such as { "amount": 7, "unit": "days" }` : ctx.defaultError }) },
  )
  .strict()
  .superRefine((w, ctx) => {
    const most = (MAX_WINDOW_DAYS * WINDOW_UNIT_MS.days) / WINDOW_UNIT_MS[w.unit];
    if (w.amount > most) ctx.addIssue({ code: "custom", message: `amount must be at most ${most} ${w.unit} (${MAX_WINDOW_DAYS} days)`, path: ["amount"] });
  });
export type RelativeWindow = z.infer<typeof relativeWindowSchema>;

const filterColumn = z.string().min(1).max(128);

const windowFilterSchema = z.object({ column: filterColumn, op: z.literal("in_last"), value: relativeWindowSchema }).strict();

const valueFilterSchema = z
  .object({
    column: filterColumn,
    op: z.enum(FILTER_OPS).exclude(["in_last"]),
    value: z.union([z.string(), z.number(), z.boolean(), z.array(z.union([z.string(), z.number()])).max(1000)]).optional(),
  })
  .strict();

// Told apart by op first, so a wrong window is reported field by field rather than as one "invalid input".
export const propertyFilterSchema = z
  .discriminatedUnion("op", [windowFilterSchema, valueFilterSchema], {
    errorMap: (issue, ctx) => ({ message: issue.code === "invalid_union_discriminator" ? `op must be one of ${FILTER_OPS.join(", ")}` : ctx.defaultError }),
  })
  .superRefine((f, ctx) => {
    if (f.op === "in_last") return;
    const needsValue = f.op !== "exists" && f.op !== "not_exists";
    if (needsValue && f.value === undefined) ctx.addIssue({ code: "custom", message: `filter "${f.op}" needs a value`, path: ["value"] });
    if (f.op === "in" && !Array.isArray(f.value)) ctx.addIssue({ code: "custom", message: `filter "in" needs a list`, path: ["value"] });
    if (f.op !== "in" && Array.isArray(f.value)) ctx.addIssue({ code: "custom", message: `only filter "in" takes a list`, path: ["value"] });
  });
export type PropertyFilter = z.infer<typeof propertyFilterSchema>;

/** One Property as a Source must read it: which column, aggregated how, over which rows. */
export interface PropertyRead {
  key: string;
  column: string;
  aggregation: Aggregation;
  /** For most_recent / least_recent: the column that orders the rows. */
  sortColumn?: string;
  filters: PropertyFilter[];
  /** Array Properties collect every matching value instead of one. */
  array: boolean;
}

/** A Record as a Source sees it: its id and the values of the Properties the Source keys on. */
export interface RecordRef {
  recordId: string;
  /** Property key → value, for the Source's identity Property and any query placeholders. */
  values: Record<string, string | null>;
}

export interface RecordPropertiesRequest {
  /**
   * The Source column that identifies a Record, and the Property whose value it holds. With
   * `caseInsensitive` (emails), the core's values are lower-cased and the column must match ignoring case.
   */
  identity: { column: string; propertyKey: string; caseInsensitive?: boolean };
  properties: PropertyRead[];
  records: RecordRef[];
}

/** recordId → property key → values (empty when the Source has nothing for that Record). */
export type RecordPropertiesResult = Map<string, Record<string, unknown[]>>;

export interface ImportRequest {
  /** Opaque position returned by the previous page; null for the first page. */
  cursor: string | null;
  limit: number;
  /** For incremental imports: only rows whose `column` is past `after`, in that column's order. */
  incremental?: { column: string; after: string | null };
}

export interface ImportPage {
  rows: Row[];
  /** null when there are no more rows. */
  nextCursor: string | null;
  /** The largest value of the incremental column among `rows`, to store once the page is safe. */
  highWaterMark: string | null;
}

export interface SourceType<AppOptions = unknown, SourceOptions = unknown> {
  type: string;
  displayName: string;
  description: string;
  options: OptionSpec[];
  optionsSchema: z.ZodType<SourceOptions, z.ZodTypeDef, unknown>;
  /**
   * How recordProperties finds a Record's rows: by an identity column matched to a unique Property,
   * by per-record placeholders (`{{ key }}`) in a query, or by the Record's own id, for rows that
   * already name it (events).
   */
  keyedBy: "identity_column" | "placeholders" | "record";
  /**
   * Sources whose values only arrive by Import (the API or the Source's webhook): there is nothing
   * to read back, so hydration keeps what was last imported instead of asking the plugin.
   */
  pushOnly?: boolean;
  /** How many rows a bulk import will read, when the system can tell cheaply; shown as a Run's progress. */
  countRows?(app: AppOptions, source: SourceOptions, request: Pick<ImportRequest, "incremental">, ctx: PluginContext): Promise<number>;
  /** For Sources keyed by placeholders: the Property keys its options refer to (e.g. `{{ user_id }}` in a query). */
  placeholders?(source: SourceOptions): string[];
  /** Lists the choices for a `dynamicChoices` option, given the options chosen so far. */
  optionChoices?(app: AppOptions, source: Partial<SourceOptions>, optionKey: string, ctx: PluginContext): Promise<{ value: string; label: string }[]>;
  columns(app: AppOptions, source: SourceOptions, ctx: PluginContext): Promise<Column[]>;
  preview(app: AppOptions, source: SourceOptions, request: PreviewRequest, ctx: PluginContext): Promise<{ columns: Column[]; rows: Row[] }>;
  /** Pages through every row (bulk import). Absent for Sources that can only answer per Record. */
  importRecords?(app: AppOptions, source: SourceOptions, request: ImportRequest, ctx: PluginContext): Promise<ImportPage>;
  /** Reads many Properties for many Records in one call: one query per Source per batch. */
  recordProperties(app: AppOptions, source: SourceOptions, request: RecordPropertiesRequest, ctx: PluginContext): Promise<RecordPropertiesResult>;
}

/* ---------- writing: Destinations receive Exports ---------- */

/** The kinds of value a remote field takes; the core checks a mapped Property's type against it. */
export const REMOTE_FIELD_TYPES = ["string", "number", "boolean", "date", "any"] as const;
export type RemoteFieldType = (typeof REMOTE_FIELD_TYPES)[number];

export interface RemoteField {
  name: string;
  label: string;
  type: RemoteFieldType;
  /** A Destination cannot be saved without a Property mapped to it. */
  required: boolean;
  /** What the field does with an array Property: keep the first value, join them with commas, or take the list. */
  arrays: "first" | "join" | "list";
}

export interface DestinationFields {
  fields: RemoteField[];
  /** Whether fields besides those listed may be mapped (a webhook takes any; a CRM only its own properties). */
  customFields: boolean;
  /** What a Group's membership becomes there, or null when the Destination has no such thing. */
  lists: { label: string } | null;
}

/** How hard a Destination's API may be driven: the core never exceeds these, across every consumer. */
export interface DestinationLimits {
  /** Exports sent in one request. */
  batchSize: number;
  requestsPerSecond: number;
  /** Requests in flight at once. */
  concurrency: number;
  /** Events forwarded in one request, when the API takes a different number of them than of Records (default: batchSize). */
  eventBatchSize?: number;
}

/** One Export as the plugin sends it. */
export interface ExportItem {
  exportId: string;
  recordId: string;
  /** upsert creates or updates; update only touches a Record the system has (enrich mode); delete removes or archives it. */
  action: "upsert" | "update" | "delete";
  /** The mapped fields (for a delete, those last sent, to find the Record by). */
  fields: Record<string, unknown>;
  lists: { all: string[]; add: string[]; remove: string[] };
  /** The system's own id for the Record, when an earlier send learned it. */
  remoteId: string | null;
}

/** One event forwarded to a Destination, with its Record as that Destination's mapping shows it once the event was applied. */
export interface EventItem {
  exportId: string;
  recordId: string;
  event: { id: string; name: string; occurredAt: string; data: Record<string, unknown> };
  /** The Record's mapped fields, e.g. the email the outside system finds the person by. */
  fields: Record<string, unknown>;
  /** The remote lists the Record is on there. */
  lists: string[];
  /** The system's own id for the Record, when an earlier send learned it. */
  remoteId: string | null;
}

/** What became of one Export. `skipped` says why nothing needed doing (enrich: not there to update). */
export type ExportOutcome =
  | { ok: true; remoteId?: string | null; summary?: Record<string, unknown>; skipped?: string }
  | { ok: false; error: string; retryable: boolean; retryAfterMs?: number };

/**
 * Thrown when a request failed as a whole (throttled, a server error, no connection). Retryable
 * failures are tried again later, after `retryAfterMs` when the system said how long to wait; a
 * batch refused as a whole for its content is split by the core to find the rows at fault.
 */
export class SendError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
    readonly details: { status?: number; retryAfterMs?: number } = {},
  ) {
    super(message);
    this.name = "SendError";
  }
}

/**
 * Whether a URL points into a private network: loopback, link-local, RFC 1918 and unique-local
 * addresses, and names that only mean this machine. Only literal addresses and such names can be
 * told here (a Worker cannot resolve names), which covers the usual ways of aiming a webhook inward.
 */
export function isPrivateAddress(url: URL): boolean {
  const host = url.hostname.replace(/^\[|\]$/g, "").toLowerCase();
  if (host === "localhost" || host.endsWith(".localhost") || host.endsWith(".local") || host.endsWith(".internal")) return true;
  const v4 = host.match(/^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/);
  if (v4) {
    const [a, b] = [Number(v4[1]), Number(v4[2])];
    return a === 10 || a === 127 || a === 0 || (a === 169 && b === 254) || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 100 && b >= 64 && b <= 127);
  }
  if (host.includes(":")) {
    return host === "::1" || host === "::" || /^f[cd][0-9a-f]{2}:/.test(host) || /^fe[89ab][0-9a-f]:/.test(host) || host.startsWith("::ffff:");
  }
  return false;
}

/** The URL an HTTP Destination may call: refused (not retried) when it points inward and the workspace has not allowed that. */
export function outboundUrl(raw: string, ctx: PluginContext): URL {
  const url = new URL(raw);
  if (!ctx.allowPrivateNetwork && isPrivateAddress(url)) {
    throw new SendError(`${url.host} is a private or loopback address; the workspace setting allowPrivateDestinations lets Destinations reach it (meant for local development)`, false);
  }
  return url;
}

/** Retry-After as milliseconds: it may give seconds or an HTTP date. */
export function retryAfterMs(value: string | null): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

export interface DestinationType<AppOptions = unknown, DestinationOptions = unknown> {
  type: string;
  displayName: string;
  description: string;
  options: OptionSpec[];
  optionsSchema: z.ZodType<DestinationOptions, z.ZodTypeDef, unknown>;
  limits(app: AppOptions, destination: DestinationOptions): DestinationLimits;
  /** The fields the Destination takes, once its options are checked against the outside system; see PluginError for naming the option at fault. */
  fields(app: AppOptions, destination: DestinationOptions, ctx: PluginContext): Promise<DestinationFields>;
  /** Sends one batch (at most `limits().batchSize` Exports) and answers for each by its export id. */
  send(app: AppOptions, destination: DestinationOptions, items: ExportItem[], ctx: PluginContext): Promise<Map<string, ExportOutcome>>;
  /**
   * Forwards one batch of events (at most `eventBatchSize`), answering for each by its export id, with
   * the same SendError rules as `send`. Only Destinations with this method can subscribe to events.
   */
  sendEvents?(app: AppOptions, destination: DestinationOptions, items: EventItem[], ctx: PluginContext): Promise<Map<string, ExportOutcome>>;
}

export interface AppType<AppOptions = unknown> {
  type: string;
  displayName: string;
  description: string;
  options: OptionSpec[];
  optionsSchema: z.ZodType<AppOptions, z.ZodTypeDef, unknown>;
  /** Checks that the App can be reached with these options; never throws for an unreachable system. */
  test(options: AppOptions, ctx: PluginContext): Promise<TestResult>;
  /** Each Source type has its own options type; the core checks options with that type's schema. */
  sources: SourceType<AppOptions, any>[];
  destinations: DestinationType<AppOptions, any>[];
}

export interface Plugin {
  name: string;
  displayName: string;
  /** An SVG document, shown in the UI beside the plugin's Apps. */
  icon: string;
  apps: AppType<any>[];
}

/** Lets a plugin file declare its parts with full typing and still hand the registry a plain Plugin. */
export const definePlugin = (plugin: Plugin) => plugin;
export const defineAppType = <O>(app: AppType<O>): AppType<O> => app;
export const defineSourceType = <A, S>(source: SourceType<A, S>): SourceType<A, S> => source;
export const defineDestinationType = <A, D>(destination: DestinationType<A, D>): DestinationType<A, D> => destination;

/** `{{ key }}` placeholders in a query Source's SQL, in order of appearance. */
export const PLACEHOLDER = /\{\{\s*([a-z][a-z0-9_]*)\s*\}\}/g;
export function placeholderKeys(sql: string): string[] {
  return [...sql.matchAll(PLACEHOLDER)].map((m) => m[1]!);
}
