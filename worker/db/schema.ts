import { sql } from "drizzle-orm";
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import type { ApiScope } from "../auth/scopes";
import type { Role } from "../auth/roles";
import type { Aggregation, PropertyFilter } from "../../plugins/contract";
import type { PropertyType } from "../properties/types";
import type { RunCounters, RunState, RunTrigger } from "../runs/states";
import type { RuleBlock } from "../rules/tree";

const createdAt = () =>
  integer("created_at", { mode: "timestamp_ms" })
    .notNull()
    .default(sql`(unixepoch('subsec') * 1000)`);

/**
 * Identity tables (tenants, users, sessions, login throttles) are global: one person may belong
 * to several workspaces, so these rows cannot carry a single tenant_id. Every table that holds a
 * workspace's data carries tenant_id and is only reached through the tenant-scoped data layer.
 * See docs/decisions/001-tenancy-and-identity.md.
 */
export const tenants = sqliteTable("tenants", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  slug: text("slug").notNull().unique(),
  /** Days Imports and finished Runs are kept before the scheduled cleanup deletes them. */
  importRetentionDays: integer("import_retention_days").notNull().default(30),
  /** Attempts an Export gets before it fails with its last error (retries back off over about a day). */
  exportMaxAttempts: integer("export_max_attempts").notNull().default(10),
  /** Days events are kept before the scheduled cleanup deletes them. */
  eventRetentionDays: integer("event_retention_days").notNull().default(90),
  /** Whether an event about someone no Record knows creates one; if not, the event waits unmatched until a Record with its identity appears. */
  eventsCreateRecords: integer("events_create_records", { mode: "boolean" }).notNull().default(true),
  /** The workspace's events webhook secret, sealed like App secrets; null until one is made. */
  sealedEventsWebhookSecret: text("sealed_events_webhook_secret"),
  /** Whether plugins may reach private and loopback addresses, e.g. a webhook receiver on this machine during development. */
  allowPrivateDestinations: integer("allow_private_destinations", { mode: "boolean" }).notNull().default(false),
  createdAt: createdAt(),
  updatedAt: integer("updated_at", { mode: "timestamp_ms" }).notNull(),
});

export const users = sqliteTable("users", {
  id: text("id").primaryKey(),
  email: text("email").notNull().unique(),
  name: text("name").notNull(),
  passwordHash: text("password_hash").notNull(),
  createdAt: createdAt(),
});

export const sessions = sqliteTable(
  "sessions",
  {
    id: text("id").primaryKey(),
    tokenHash: text("token_hash").notNull().unique(),
    csrfToken: text("csrf_token").notNull(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    /** The workspace the person is currently working in; switching workspaces changes it. */
    activeTenantId: text("active_tenant_id").references(() => tenants.id, { onDelete: "set null" }),
    createdAt: createdAt(),
    expiresAt: integer("expires_at", { mode: "timestamp_ms" }).notNull(),
    revokedAt: integer("revoked_at", { mode: "timestamp_ms" }),
  },
  (t) => [index("sessions_user_idx").on(t.userId)],
);

export const loginThrottles = sqliteTable("login_throttles", {
  key: text("key").primaryKey(),
  failures: integer("failures").notNull(),
  windowStartedAt: integer("window_started_at", { mode: "timestamp_ms" }).notNull(),
});

export const memberships = sqliteTable(
  "memberships",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    role: text("role").$type<Role>().notNull(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("memberships_tenant_user_idx").on(t.tenantId, t.userId), index("memberships_user_idx").on(t.userId)],
);

export const invitations = sqliteTable(
  "invitations",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    email: text("email").notNull(),
    role: text("role").$type<Role>().notNull(),
    tokenHash: text("token_hash").notNull().unique(),
    invitedBy: text("invited_by").notNull(),
    createdAt: createdAt(),
    expiresAt: integer("expires_at", { mode: "timestamp_ms" }).notNull(),
    acceptedAt: integer("accepted_at", { mode: "timestamp_ms" }),
    revokedAt: integer("revoked_at", { mode: "timestamp_ms" }),
  },
  (t) => [index("invitations_tenant_idx").on(t.tenantId)],
);

export const apiKeys = sqliteTable(
  "api_keys",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    prefix: text("prefix").notNull().unique(),
    secretHash: text("secret_hash").notNull(),
    scopes: text("scopes", { mode: "json" }).$type<ApiScope[]>().notNull(),
    createdBy: text("created_by").notNull(),
    createdAt: createdAt(),
    lastUsedAt: integer("last_used_at", { mode: "timestamp_ms" }),
    expiresAt: integer("expires_at", { mode: "timestamp_ms" }),
    revokedAt: integer("revoked_at", { mode: "timestamp_ms" }),
  },
  (t) => [index("api_keys_tenant_idx").on(t.tenantId)],
);

export const auditLog = sqliteTable(
  "audit_log",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    actorType: text("actor_type").$type<"user" | "api_key" | "system">().notNull(),
    actorId: text("actor_id").notNull(),
    action: text("action").notNull(),
    targetType: text("target_type").notNull(),
    targetId: text("target_id").notNull(),
    before: text("before", { mode: "json" }),
    after: text("after", { mode: "json" }),
    requestId: text("request_id").notNull(),
    createdAt: createdAt(),
  },
  (t) => [index("audit_log_tenant_created_idx").on(t.tenantId, t.createdAt), index("audit_log_target_idx").on(t.tenantId, t.targetId)],
);

export type Tenant = typeof tenants.$inferSelect;
export type User = typeof users.$inferSelect;
export type Session = typeof sessions.$inferSelect;
export type Membership = typeof memberships.$inferSelect;
export type Invitation = typeof invitations.$inferSelect;
export type ApiKey = typeof apiKeys.$inferSelect;
export type AuditEntry = typeof auditLog.$inferSelect;

/* ---------- Apps, Sources, Properties ---------- */

export const apps = sqliteTable(
  "apps",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    plugin: text("plugin").notNull(),
    type: text("type").notNull(),
    /** Options that are not secret, as given. */
    options: text("options", { mode: "json" }).$type<Record<string, unknown>>().notNull(),
    /** Secret options as one AES-GCM sealed JSON object; never returned by the API. */
    sealedSecrets: text("sealed_secrets"),
    lastTestAt: integer("last_test_at", { mode: "timestamp_ms" }),
    lastTestOk: integer("last_test_ok", { mode: "boolean" }),
    lastTestMessage: text("last_test_message"),
    createdAt: createdAt(),
    updatedAt: integer("updated_at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [index("apps_tenant_idx").on(t.tenantId)],
);

export const sources = sqliteTable(
  "sources",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    appId: text("app_id")
      .notNull()
      .references(() => apps.id),
    name: text("name").notNull(),
    type: text("type").notNull(),
    options: text("options", { mode: "json" }).$type<Record<string, unknown>>().notNull(),
    /** primary: may create Records; enrich: only adds to Records that already exist. */
    role: text("role").$type<"primary" | "enrich">().notNull(),
    /** The source column that identifies a Record, for Sources keyed by an identity column. */
    identityColumn: text("identity_column"),
    identityPropertyId: text("identity_property_id"),
    /** Rows that fail these are not this Source's: ignored by imports, previews and every Property it provides. */
    filters: text("filters", { mode: "json" }).$type<PropertyFilter[]>().notNull().default([]),
    /** The webhook signing secret, AES-GCM sealed like App secrets; null until one is generated. */
    sealedWebhookSecret: text("sealed_webhook_secret"),
    createdAt: createdAt(),
    updatedAt: integer("updated_at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [
    index("sources_tenant_idx").on(t.tenantId),
    index("sources_app_idx").on(t.appId),
    // The every-minute work finds the Sources of one type (events) across workspaces.
    index("sources_type_idx").on(t.type),
  ],
);

export const properties = sqliteTable(
  "properties",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    key: text("key").notNull(),
    type: text("type").$type<PropertyType>().notNull(),
    unique: integer("unique", { mode: "boolean" }).notNull(),
    isArray: integer("is_array", { mode: "boolean" }).notNull(),
    sourceId: text("source_id")
      .notNull()
      .references(() => sources.id),
    column: text("column").notNull(),
    aggregation: text("aggregation").$type<Aggregation>().notNull(),
    sortColumn: text("sort_column"),
    filters: text("filters", { mode: "json" }).$type<PropertyFilter[]>().notNull(),
    /** Bumped whenever how the value is read changes; values read under an older version are stale. */
    version: integer("version").notNull(),
    createdAt: createdAt(),
    updatedAt: integer("updated_at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [uniqueIndex("properties_tenant_key_idx").on(t.tenantId, t.key), index("properties_source_idx").on(t.sourceId)],
);

export const records = sqliteTable(
  "records",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    /** Set when a confirming Run no longer found the Record's row in its primary Source. */
    missingSince: integer("missing_since", { mode: "timestamp_ms" }),
    /**
     * Bumped by the Record's object each time it settles new values. Writes of its values to D1
     * only land when they carry a newer revision, so two consumers writing late cannot go backwards.
     */
    revision: integer("revision").notNull().default(0),
    createdAt: createdAt(),
    updatedAt: integer("updated_at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [index("records_tenant_idx").on(t.tenantId), index("records_tenant_created_idx").on(t.tenantId, t.createdAt, t.id)],
);

export const recordProperties = sqliteTable(
  "record_properties",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    recordId: text("record_id")
      .notNull()
      .references(() => records.id, { onDelete: "cascade" }),
    propertyId: text("property_id")
      .notNull()
      .references(() => properties.id, { onDelete: "cascade" }),
    /** Position within an array Property; 0 for single values. */
    position: integer("position").notNull(),
    /** The coerced value as text, or null when missing or invalid. */
    value: text("value"),
    /** What arrived when it could not be coerced, and why. */
    invalidValue: text("invalid_value"),
    invalidReason: text("invalid_reason"),
    state: text("state").$type<"pending" | "ready">().notNull(),
    valueChangedAt: integer("value_changed_at", { mode: "timestamp_ms" }),
    confirmedAt: integer("confirmed_at", { mode: "timestamp_ms" }),
    updatedAt: integer("updated_at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [
    uniqueIndex("record_properties_record_property_idx").on(t.recordId, t.propertyId, t.position),
    // Not led by tenant_id: a Property belongs to one workspace already, and an index led by tenant_id
    // tempted SQLite into scanning a whole workspace's values for statements that name one Record.
    // Record and tenant ride along so a rule's Records are gathered from the index alone, never the table.
    index("record_properties_property_value_idx").on(t.propertyId, t.value, t.recordId, t.tenantId),
  ],
);

export type App = typeof apps.$inferSelect;
export type Source = typeof sources.$inferSelect;
export type Property = typeof properties.$inferSelect;
export type RecordRow = typeof records.$inferSelect;
export type RecordProperty = typeof recordProperties.$inferSelect;

/* ---------- Uploaded files ---------- */

/** A file's bytes live in R2 under tenants/<tenant id>/files/<file id>; this row is what the API shows of it. */
export const files = sqliteTable(
  "files",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    size: integer("size").notNull(),
    contentType: text("content_type").notNull(),
    /** Hex SHA-256 of the stored bytes, computed while streaming: tells identical uploads apart from changed ones. */
    sha256: text("sha256").notNull(),
    /** The user or API key that uploaded it. */
    uploadedBy: text("uploaded_by").notNull(),
    createdAt: createdAt(),
  },
  (t) => [index("files_tenant_created_idx").on(t.tenantId, t.createdAt)],
);

export type StoredFile = typeof files.$inferSelect;

/**
 * Every unique Property value of every Record: the one place that decides "same person". The
 * primary key makes a second Record for the same value impossible (docs/decisions/005-import-pipeline.md).
 */
export const recordIdentities = sqliteTable(
  "record_identities",
  {
    tenantId: text("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    propertyId: text("property_id")
      .notNull()
      .references(() => properties.id, { onDelete: "cascade" }),
    value: text("value").notNull(),
    recordId: text("record_id")
      .notNull()
      .references(() => records.id, { onDelete: "cascade" }),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.propertyId, t.value] }), index("record_identities_record_idx").on(t.recordId)],
);

export type RecordIdentity = typeof recordIdentities.$inferSelect;

/* ---------- Schedules and Runs ---------- */

export const schedules = sqliteTable(
  "schedules",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    sourceId: text("source_id")
      .notNull()
      .references(() => sources.id),
    name: text("name").notNull(),
    /** Minutes between Runs; null for a Schedule that only runs when started by hand. */
    everyMinutes: integer("every_minutes"),
    /** Incremental Schedules read only rows at or past the high-water mark of this column. */
    incrementalColumn: text("incremental_column"),
    highWaterMark: text("high_water_mark"),
    /** Mark Records whose primary-source row disappeared; with removeMissing, remove them. */
    confirmRecords: integer("confirm_records", { mode: "boolean" }).notNull(),
    removeMissing: integer("remove_missing", { mode: "boolean" }).notNull(),
    nextRunAt: integer("next_run_at", { mode: "timestamp_ms" }),
    createdAt: createdAt(),
    updatedAt: integer("updated_at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [index("schedules_tenant_idx").on(t.tenantId), index("schedules_due_idx").on(t.nextRunAt)],
);

export const runs = sqliteTable(
  "runs",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    scheduleId: text("schedule_id").references(() => schedules.id, { onDelete: "set null" }),
    sourceId: text("source_id").references(() => sources.id, { onDelete: "set null" }),
    state: text("state").$type<RunState>().notNull(),
    /** Why the Run ended as it did (or why it is stopping), in words for people. */
    reason: text("reason"),
    trigger: text("trigger").$type<RunTrigger>().notNull(),
    /** Set on a Group's recalculation Run, which evaluates the Group's rules over every Record instead of reading a Source. */
    groupId: text("group_id").references(() => groups.id, { onDelete: "cascade" }),
    /**
     * Set on a Destination's sync Run, which walks its Records through their objects so the Destination
     * matches a new definition. No reference (the Destinations' table is declared after this one): a
     * Run whose Destination is deleted fails at its next page.
     */
    destinationId: text("destination_id"),
    incremental: integer("incremental", { mode: "boolean" }).notNull(),
    cursor: text("cursor"),
    /** The next page to read; a queue message for a lower page was already stored and is skipped. */
    page: integer("page").notNull(),
    /** Set once the last page is stored; the Run completes when its Imports are all processed too. */
    readComplete: integer("read_complete", { mode: "boolean" }).notNull().default(false),
    /** How many rows the Source said it would return, when it can tell; drives percentComplete. */
    rowsTotal: integer("rows_total"),
    highWaterMarkStart: text("high_water_mark_start"),
    highWaterMark: text("high_water_mark"),
    counters: text("counters", { mode: "json" }).$type<RunCounters>().notNull(),
    percentComplete: integer("percent_complete").notNull(),
    startedAt: integer("started_at", { mode: "timestamp_ms" }),
    finishedAt: integer("finished_at", { mode: "timestamp_ms" }),
    createdAt: createdAt(),
    updatedAt: integer("updated_at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [
    index("runs_tenant_created_idx").on(t.tenantId, t.createdAt),
    // At most one unfinished Run per Schedule: the database refuses the second one.
    uniqueIndex("runs_one_active_per_schedule_idx")
      .on(t.scheduleId)
      .where(sql`state in ('draft', 'running')`),
    uniqueIndex("runs_one_active_per_group_idx")
      .on(t.groupId)
      .where(sql`state in ('draft', 'running')`),
    uniqueIndex("runs_one_active_per_destination_idx")
      .on(t.destinationId)
      .where(sql`state in ('draft', 'running')`),
  ],
);

export type Schedule = typeof schedules.$inferSelect;
export type Run = typeof runs.$inferSelect;

/* ---------- Imports, Record history, dead letters ---------- */

export const IMPORT_STATES = ["pending", "associated", "processed", "failed"] as const;
export type ImportState = (typeof IMPORT_STATES)[number];

/** One piece of data that arrived for one person: a Source row of a Run, an API import or a webhook delivery. */
export const imports = sqliteTable(
  "imports",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    sourceId: text("source_id").references(() => sources.id, { onDelete: "set null" }),
    runId: text("run_id").references(() => runs.id, { onDelete: "set null" }),
    /** The Run page it was read on: hydration messages name a page, so a redelivery finds the same Imports. */
    page: integer("page"),
    /**
     * How it arrived: api, webhook, a Run's row, an event, or refresh (no data: its Record's Sources
     * are read again because time alone changed a value, see worker/cron/event-windows.ts).
     */
    via: text("via").$type<"api" | "webhook" | "run" | "event" | "refresh">().notNull(),
    recordId: text("record_id").references(() => records.id, { onDelete: "set null" }),
    /** Property key (or Source column for Run rows) → value, as it arrived. */
    data: text("data", { mode: "json" }).$type<Record<string, unknown>>().notNull(),
    state: text("state").$type<ImportState>().notNull(),
    error: text("error"),
    createdAt: createdAt(),
    processedAt: integer("processed_at", { mode: "timestamp_ms" }),
  },
  (t) => [
    index("imports_tenant_created_idx").on(t.tenantId, t.createdAt),
    index("imports_run_page_idx").on(t.runId, t.page),
    // Confirming a Run's Records asks, Record by Record, whether the Run imported it.
    index("imports_run_record_idx").on(t.runId, t.recordId),
    index("imports_record_idx").on(t.recordId, t.createdAt),
  ],
);

export type Import = typeof imports.$inferSelect;

export interface PropertyChange {
  key: string;
  before: (string | null)[];
  after: (string | null)[];
}

/** What one application of data changed on a Record: the Record's timeline. */
export const recordChanges = sqliteTable(
  "record_changes",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    recordId: text("record_id")
      .notNull()
      .references(() => records.id, { onDelete: "cascade" }),
    /** The Imports whose arrival caused this change (coalesced work can carry several). */
    importIds: text("import_ids", { mode: "json" }).$type<string[]>().notNull(),
    runId: text("run_id"),
    changes: text("changes", { mode: "json" }).$type<PropertyChange[]>().notNull(),
    createdAt: createdAt(),
  },
  (t) => [index("record_changes_record_idx").on(t.recordId, t.createdAt), index("record_changes_tenant_created_idx").on(t.tenantId, t.createdAt)],
);

export type RecordChange = typeof recordChanges.$inferSelect;

/** Queue messages that failed every retry, kept so an admin can see why and replay them. */
export const deadLetters = sqliteTable(
  "dead_letters",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    queue: text("queue").notNull(),
    body: text("body", { mode: "json" }).$type<Record<string, unknown>>().notNull(),
    /** The last error the consumer saw before giving up. */
    error: text("error"),
    createdAt: createdAt(),
    replayedAt: integer("replayed_at", { mode: "timestamp_ms" }),
  },
  (t) => [index("dead_letters_tenant_created_idx").on(t.tenantId, t.createdAt)],
);

export type DeadLetter = typeof deadLetters.$inferSelect;

/* ---------- Groups ---------- */

export const GROUP_TYPES = ["manual", "calculated"] as const;
export type GroupType = (typeof GROUP_TYPES)[number];

/** A set of Records: manual ones change only by hand, calculated ones follow their rules. */
export const groups = sqliteTable(
  "groups",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    description: text("description").notNull().default(""),
    type: text("type").$type<GroupType>().notNull(),
    /** The rule tree of a calculated Group, as validated and normalized; null for manual Groups. */
    rules: text("rules", { mode: "json" }).$type<RuleBlock | null>(),
    /** Bumped whenever the rules change: membership worked out under older rules is not written. */
    rulesVersion: integer("rules_version").notNull().default(0),
    /** When a Group whose rules are relative to now is next recalculated, so "in the last 7 days" stays true without new data. */
    recalculateAt: integer("recalculate_at", { mode: "timestamp_ms" }),
    memberCount: integer("member_count").notNull().default(0),
    createdAt: createdAt(),
    updatedAt: integer("updated_at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [uniqueIndex("groups_tenant_name_idx").on(t.tenantId, t.name), index("groups_tenant_created_idx").on(t.tenantId, t.createdAt)],
);

/** Who is in a Group now, and since when. */
export const groupMembers = sqliteTable(
  "group_members",
  {
    tenantId: text("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    groupId: text("group_id")
      .notNull()
      .references(() => groups.id, { onDelete: "cascade" }),
    recordId: text("record_id")
      .notNull()
      .references(() => records.id, { onDelete: "cascade" }),
    joinedAt: integer("joined_at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.groupId, t.recordId] }),
    index("group_members_record_idx").on(t.recordId),
    // Members are paged newest first: read in order from here instead of sorting the whole Group for every page.
    index("group_members_group_joined_idx").on(t.groupId, t.joinedAt, t.recordId),
  ],
);

/** Every time a Record joined or left a Group: the membership history people and exports look back on. */
export const groupMembershipChanges = sqliteTable(
  "group_membership_changes",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    tenantId: text("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    groupId: text("group_id")
      .notNull()
      .references(() => groups.id, { onDelete: "cascade" }),
    recordId: text("record_id")
      .notNull()
      .references(() => records.id, { onDelete: "cascade" }),
    change: text("change").$type<"joined" | "left">().notNull(),
    at: integer("at", { mode: "timestamp_ms" }).notNull(),
    /** The recalculation Run that made the change; null when the Record's own change did. */
    runId: text("run_id").references(() => runs.id, { onDelete: "set null" }),
  },
  (t) => [
    index("group_membership_changes_record_idx").on(t.recordId, t.at),
    index("group_membership_changes_group_idx").on(t.groupId, t.at),
    index("group_membership_changes_run_idx")
      .on(t.runId)
      .where(sql`run_id is not null`),
  ],
);

export type Group = typeof groups.$inferSelect;
export type GroupMember = typeof groupMembers.$inferSelect;

/** Each Group's member count at the end of each day (UTC), for charts of how a Group grows. */
export const groupCounts = sqliteTable(
  "group_counts",
  {
    tenantId: text("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    groupId: text("group_id")
      .notNull()
      .references(() => groups.id, { onDelete: "cascade" }),
    /** YYYY-MM-DD in UTC. */
    day: text("day").notNull(),
    members: integer("members").notNull(),
  },
  (t) => [primaryKey({ columns: [t.groupId, t.day] })],
);
