import { sql } from "drizzle-orm";
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import type { ExportKind, ExportPayload, ExportState, FieldMapping, ForwardedEvent, GroupListMapping, SyncMode } from "../destinations/types";
import { apps, groups, tenants } from "./schema";

/** One writable target in an App: which Records go there, with which fields and Group lists, and how leaving is handled. */
export const destinations = sqliteTable(
  "destinations",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    appId: text("app_id")
      .notNull()
      .references(() => apps.id),
    name: text("name").notNull(),
    /** The Destination type of the App's plugin. */
    type: text("type").notNull(),
    options: text("options", { mode: "json" }).$type<Record<string, unknown>>().notNull(),
    /** The collection: one Group's members, or every Record when null. A Group in use cannot be deleted. */
    groupId: text("group_id").references(() => groups.id),
    syncMode: text("sync_mode").$type<SyncMode>().notNull(),
    mapping: text("mapping", { mode: "json" }).$type<FieldMapping[]>().notNull(),
    groupLists: text("group_lists", { mode: "json" }).$type<GroupListMapping[]>().notNull(),
    /** Whether Records themselves are synced; off, the Destination only receives the events it subscribes to. */
    sendRecords: integer("send_records", { mode: "boolean" }).notNull().default(true),
    /** The event names forwarded there: exact names, or prefixes ending in `*`. */
    eventNames: text("event_names", { mode: "json" }).$type<string[]>().notNull().default(sql`'[]'`),
    /** Bumped when the collection, mapping, Group lists or mode change: decisions made under an older one are made again. */
    configVersion: integer("config_version").notNull().default(1),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
    updatedAt: integer("updated_at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [
    uniqueIndex("destinations_tenant_name_idx").on(t.tenantId, t.name),
    index("destinations_tenant_created_idx").on(t.tenantId, t.createdAt),
    index("destinations_app_idx").on(t.appId),
    index("destinations_group_idx").on(t.groupId),
  ],
);

/** What a Destination was last sent for a Record, successfully: dry runs compare with it, and sync mode knows whom to remove. */
export const destinationRecords = sqliteTable(
  "destination_records",
  {
    tenantId: text("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    destinationId: text("destination_id")
      .notNull()
      .references(() => destinations.id, { onDelete: "cascade" }),
    /** No reference: a removed Record's row stays until the Destination has been told. */
    recordId: text("record_id").notNull(),
    payload: text("payload", { mode: "json" }).$type<ExportPayload>().notNull(),
    /** The outside system's id for the Record, when it gives one. */
    remoteId: text("remote_id"),
    sentAt: integer("sent_at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.destinationId, t.recordId] }), index("destination_records_record_idx").on(t.recordId)],
);

/** One change for one Record to one Destination, from its decision to its final state. */
export const exports = sqliteTable(
  "exports",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    destinationId: text("destination_id")
      .notNull()
      .references(() => destinations.id, { onDelete: "cascade" }),
    recordId: text("record_id").notNull(),
    kind: text("kind").$type<ExportKind>().notNull(),
    state: text("state").$type<ExportState>().notNull(),
    /** What the Destination held before (as last sent), and what this Export sends. */
    oldPayload: text("old_payload", { mode: "json" }).$type<ExportPayload | null>(),
    newPayload: text("new_payload", { mode: "json" }).$type<ExportPayload>().notNull(),
    toDelete: integer("to_delete", { mode: "boolean" }).notNull(),
    /** For an event Export, the event forwarded; `newPayload` then holds the Record's mapped fields attached to it. */
    event: text("event", { mode: "json" }).$type<ForwardedEvent | null>(),
    /** The Record's revision the decision was made at. */
    revision: integer("revision").notNull(),
    attempts: integer("attempts").notNull().default(0),
    /** When the Export may be sent (again): now for new ones, later after a failed attempt. */
    nextAttemptAt: integer("next_attempt_at", { mode: "timestamp_ms" }).notNull(),
    /** A short summary of the outside system's answer (status, remote id, message). */
    response: text("response", { mode: "json" }).$type<Record<string, unknown> | null>(),
    error: text("error"),
    /** Why it ended as it did, in words: "Sent", "Superseded by a newer change", the last error. */
    reason: text("reason"),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
    updatedAt: integer("updated_at", { mode: "timestamp_ms" }).notNull(),
    finishedAt: integer("finished_at", { mode: "timestamp_ms" }),
    /** When a person last sent it again after it failed: its Record's object had forgotten it, and must learn it arrived after all. */
    retriedAt: integer("retried_at", { mode: "timestamp_ms" }),
  },
  (t) => [
    // One waiting change per Record and Destination: a newer decision replaces it.
    uniqueIndex("exports_one_pending_idx").on(t.destinationId, t.recordId).where(sql`state = 'pending' and kind = 'record'`),
    // Consumers take due Exports of one Destination in order.
    index("exports_due_idx").on(t.destinationId, t.state, t.nextAttemptAt),
    index("exports_record_idx").on(t.recordId, t.createdAt),
    // A Destination's page lists its Exports newest first and charts them by when they were made.
    index("exports_destination_created_idx").on(t.destinationId, t.createdAt),
    index("exports_tenant_created_idx").on(t.tenantId, t.createdAt),
  ],
);

export type Destination = typeof destinations.$inferSelect;
export type ExportRow = typeof exports.$inferSelect;
export type DestinationRecord = typeof destinationRecords.$inferSelect;
