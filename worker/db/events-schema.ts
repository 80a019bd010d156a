import { index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { imports, properties, tenants } from "./schema";

/** A scalar or list value as sent with an event. */
export type EventValue = string | number | boolean | null | (string | number | boolean | null)[];

/**
 * Something a customer did, as it was sent: its name, when it happened, who did it (values of
 * unique Properties) and its data. Data keys that are Properties were applied to the Record through
 * the event's Import; the rest are transient and live only here.
 */
export const events = sqliteTable(
  "events",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    occurredAt: integer("occurred_at", { mode: "timestamp_ms" }).notNull(),
    receivedAt: integer("received_at", { mode: "timestamp_ms" }).notNull(),
    identity: text("identity", { mode: "json" }).$type<Record<string, EventValue>>().notNull(),
    data: text("data", { mode: "json" }).$type<Record<string, EventValue>>().notNull(),
    /** The data keys that were Properties, applied to the Record; the others are the event's own. */
    appliedKeys: text("applied_keys", { mode: "json" }).$type<string[]>().notNull(),
    /** The Import carrying its identity and Property values through hydration; it names the Record once matched. */
    importId: text("import_id").references(() => imports.id, { onDelete: "set null" }),
    recordId: text("record_id"),
    via: text("via").$type<"api" | "webhook">().notNull(),
  },
  (t) => [
    index("events_tenant_occurred_idx").on(t.tenantId, t.occurredAt),
    index("events_record_name_occurred_idx").on(t.recordId, t.name, t.occurredAt),
    index("events_import_idx").on(t.importId),
  ],
);

export type EventRow = typeof events.$inferSelect;

/**
 * The unique Property values an event names its person by, coerced as Record identities are, so an
 * event nobody's Record matched yet is found the moment a Record with one of them appears.
 */
export const eventIdentities = sqliteTable(
  "event_identities",
  {
    eventId: text("event_id")
      .notNull()
      .references(() => events.id, { onDelete: "cascade" }),
    tenantId: text("tenant_id").notNull(),
    propertyId: text("property_id")
      .notNull()
      .references(() => properties.id, { onDelete: "cascade" }),
    value: text("value").notNull(),
  },
  (t) => [primaryKey({ columns: [t.eventId, t.propertyId, t.value] }), index("event_identities_value_idx").on(t.tenantId, t.propertyId, t.value)],
);

/**
 * How far the every-minute work has followed one Property's `in_last` window over the events: every
 * event that left the window by `checkedAt` has had its Record read again. Within a page cut short,
 * events at the window's edge up to `afterEventId` (in id order) are done too; that tie-break holds
 * only for the window it was taken under, `windowMs`.
 */
export const eventWindowChecks = sqliteTable("event_window_checks", {
  propertyId: text("property_id")
    .primaryKey()
    .references(() => properties.id, { onDelete: "cascade" }),
  tenantId: text("tenant_id")
    .notNull()
    .references(() => tenants.id, { onDelete: "cascade" }),
  windowMs: integer("window_ms").notNull(),
  checkedAt: integer("checked_at", { mode: "timestamp_ms" }).notNull(),
  afterEventId: text("after_event_id"),
});
