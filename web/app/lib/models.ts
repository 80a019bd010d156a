/** The shapes of Apps, Sources, Properties and the plugins behind them, as the API returns them. */

export type { OptionKind, OptionSpec } from "../../../plugins/contract";
import type { OptionSpec } from "../../../plugins/contract";
import type { DestinationTypeInfo } from "./destinations";

export type Choice = NonNullable<OptionSpec["choices"]>[number];

export interface SourceTypeInfo {
  type: string;
  displayName: string;
  description: string;
  options: OptionSpec[];
  keyedBy: "identity_column" | "placeholders" | "record";
  bulkImport: boolean;
  /** Values only arrive by API and webhook: there are no columns to choose an identity from. */
  pushOnly: boolean;
}

export interface AppTypeInfo {
  type: string;
  displayName: string;
  description: string;
  options: OptionSpec[];
  sources: SourceTypeInfo[];
  destinations: DestinationTypeInfo[];
}

export interface PluginInfo {
  name: string;
  displayName: string;
  /** An SVG document from the plugin's own code. */
  icon: string;
  apps: AppTypeInfo[];
}

export type Options = Record<string, unknown>;

export interface App {
  id: string;
  name: string;
  plugin: string;
  type: string;
  options: Options;
  lastTest: { at: string; ok: boolean; message: string } | null;
  createdAt: string;
  updatedAt: string;
}

export interface ConnectionTest {
  ok: boolean;
  message?: string;
  error?: string;
  durationMs: number;
}

export type SourceRole = "primary" | "enrich";

export interface Source {
  id: string;
  appId: string;
  name: string;
  type: string;
  options: Options;
  role: SourceRole;
  /** Only rows matching every filter are read, for every Property the Source provides. */
  filters: PropertyFilter[];
  identity: { column: string; propertyId: string | null; propertyKey: string | null } | null;
  createdAt: string;
  updatedAt: string;
}

export interface Column {
  name: string;
  type: string;
  incremental: boolean;
}

export interface Preview {
  columns: Column[];
  rows: Record<string, unknown>[];
}

export const PROPERTY_TYPES = ["string", "integer", "float", "boolean", "date", "email", "phone", "url"] as const;
export type PropertyType = (typeof PROPERTY_TYPES)[number];

export const AGGREGATIONS = ["exact", "sum", "count", "average", "min", "max", "most_recent", "least_recent"] as const;
export type Aggregation = (typeof AGGREGATIONS)[number];

export const FILTER_OPS = ["eq", "ne", "gt", "gte", "lt", "lte", "contains", "not_contains", "exists", "not_exists", "in", "in_last"] as const;
export type FilterOp = (typeof FILTER_OPS)[number];

export const WINDOW_UNITS = ["minutes", "hours", "days"] as const;
export type WindowUnit = (typeof WINDOW_UNITS)[number];

/** An `in_last` filter's value: the window reaching back from now. */
export interface RelativeWindow {
  amount: number;
  unit: WindowUnit;
}

export interface PropertyFilter {
  column: string;
  op: FilterOp;
  value?: string | number | boolean | (string | number)[] | RelativeWindow;
}

export interface Property {
  id: string;
  key: string;
  type: PropertyType;
  unique: boolean;
  array: boolean;
  sourceId: string;
  column: string;
  aggregation: Aggregation;
  sortColumn: string | null;
  filters: PropertyFilter[];
  version: number;
  createdAt: string;
  updatedAt: string;
}

export interface StoredFile {
  id: string;
  name: string;
  size: number;
  contentType: string;
  createdAt: string;
}
