CREATE TABLE `events` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`name` text NOT NULL,
	`occurred_at` integer NOT NULL,
	`received_at` integer NOT NULL,
	`identity` text NOT NULL,
	`data` text NOT NULL,
	`applied_keys` text NOT NULL,
	`import_id` text,
	`record_id` text,
	`via` text NOT NULL,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`import_id`) REFERENCES `imports`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE INDEX `events_tenant_occurred_idx` ON `events` (`tenant_id`,`occurred_at`);--> statement-breakpoint
CREATE INDEX `events_record_name_occurred_idx` ON `events` (`record_id`,`name`,`occurred_at`);--> statement-breakpoint
CREATE INDEX `events_import_idx` ON `events` (`import_id`);--> statement-breakpoint
ALTER TABLE `tenants` ADD `event_retention_days` integer DEFAULT 90 NOT NULL;--> statement-breakpoint
ALTER TABLE `tenants` ADD `sealed_events_webhook_secret` text;