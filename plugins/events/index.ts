import { z } from "zod";
import { defineAppType, definePlugin, defineSourceType, PluginError, type Column, type EventStore, type PluginContext, type PropertyRead, type Row } from "../contract";
import { aggregateByRecord } from "../shared/aggregate";

const noOptions = z.object({}).strict();
type NoOptions = z.infer<typeof noOptions>;

const FIXED_COLUMNS: Column[] = [
  { name: "name", type: "text", incremental: false },
  { name: "occurred_at", type: "timestamp", incremental: false },
];

/** Events seen to list the data keys there are: enough for a workspace's usual kinds, cheap to read. */
const SAMPLED = 200;

function eventsOf(ctx: PluginContext): EventStore {
  if (!ctx.events) throw new PluginError("connection_failed", "Events can only be read inside Groupflow");
  return ctx.events;
}

/** The column a row was read under, and the data keys that turned up, as columns in first-seen order. */
function columnsOf(rows: Row[]): Column[] {
  const keys = new Set<string>();
  for (const row of rows) for (const key of Object.keys(row)) if (key.startsWith("data.")) keys.add(key);
  return [...FIXED_COLUMNS, ...[...keys].map((name) => ({ name, type: "json", incremental: false }))];
}

/**
 * The event names every Property reads, when each one filters on them: then only those events are
 * read. A Property over every event name means reading them all.
 */
function namesRead(properties: PropertyRead[]): string[] | undefined {
  const names = new Set<string>();
  for (const p of properties) {
    const filter = p.filters.find((f) => f.column === "name" && (f.op === "eq" || f.op === "in"));
    if (!filter) return undefined;
    for (const v of Array.isArray(filter.value) ? filter.value : [filter.value]) names.add(String(v));
  }
  return [...names];
}

/**
 * A Record's events, read back as rows, so a Property can be computed from them like from any
 * table: how many `cart_abandoned` (count, filtered by name), when the last one happened (max of
 * `occurred_at`), the last value of a data key (most recent `data.<key>` by `occurred_at`).
 */
const eventsSource = defineSourceType<NoOptions, NoOptions>({
  type: "events",
  displayName: "Events",
  description: "What customers did, sent to POST /api/v1/events: count them, find the first or last, or take a value they carried.",
  options: [],
  optionsSchema: noOptions,
  keyedBy: "record",
  async columns(_app, _source, ctx) {
    return columnsOf(await eventsOf(ctx).latest(SAMPLED));
  },
  async preview(_app, _source, request, ctx) {
    const rows = (await eventsOf(ctx).latest(Math.max(request.limit, SAMPLED))).map(({ record_id: _recordId, ...row }) => row);
    return { columns: columnsOf(rows), rows: rows.slice(0, request.limit) };
  },
  async recordProperties(_app, _source, request, ctx) {
    const rows = await eventsOf(ctx).rowsOf(
      request.records.map((r) => r.recordId),
      namesRead(request.properties),
    );
    return aggregateByRecord(request.records, rows, request.properties, (row) => (typeof row.record_id === "string" ? row.record_id : null), (record) => record.recordId);
  },
});

const EVENTS_ICON =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2"><path d="M13 2L4 14h7l-1 8 9-12h-7z"/></svg>';

export const eventsPlugin = definePlugin({
  name: "events",
  displayName: "Events",
  icon: EVENTS_ICON,
  apps: [
    defineAppType<NoOptions>({
      type: "events",
      displayName: "Events",
      description: "Read back the events your systems send, to compute Properties from them.",
      options: [],
      optionsSchema: noOptions,
      async test(_options, ctx) {
        const latest = await eventsOf(ctx).latest(1);
        return { ok: true, message: latest.length ? `Events are arriving; the latest is "${String(latest[0]!.name)}"` : "Ready: no events have arrived yet" };
      },
      sources: [eventsSource],
      destinations: [],
    }),
  ],
});
