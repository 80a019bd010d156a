CREATE TABLE `dead_letters` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`queue` text NOT NULL,
	`body` text NOT NULL,
	`error` text,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`replayed_at` integer,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `dead_letters_tenant_created_idx` ON `dead_letters` (`tenant_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `imports` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`source_id` text,
	`run_id` text,
	`page` integer,
	`via` text NOT NULL,
	`record_id` text,
	`data` text NOT NULL,
	`state` text NOT NULL,
	`error` text,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`processed_at` integer,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`source_id`) REFERENCES `sources`(`id`) ON UPDATE no action ON DELETE set null,
	FOREIGN KEY (`run_id`) REFERENCES `runs`(`id`) ON UPDATE no action ON DELETE set null,
	FOREIGN KEY (`record_id`) REFERENCES `records`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE INDEX `imports_tenant_created_idx` ON `imports` (`tenant_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `imports_run_page_idx` ON `imports` (`run_id`,`page`);--> statement-breakpoint
CREATE INDEX `imports_record_idx` ON `imports` (`record_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `record_changes` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`record_id` text NOT NULL,
	`import_ids` text NOT NULL,
	`run_id` text,
	`changes` text NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`record_id`) REFERENCES `records`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `record_changes_record_idx` ON `record_changes` (`record_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `record_changes_tenant_created_idx` ON `record_changes` (`tenant_id`,`created_at`);--> statement-breakpoint
ALTER TABLE `records` ADD `missing_since` integer;--> statement-breakpoint
ALTER TABLE `runs` ADD `read_complete` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `runs` ADD `rows_total` integer;--> statement-breakpoint
ALTER TABLE `sources` ADD `sealed_webhook_secret` text;--> statement-breakpoint
ALTER TABLE `tenants` ADD `import_retention_days` integer DEFAULT 30 NOT NULL;