CREATE TABLE `destinations` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`app_id` text NOT NULL,
	`name` text NOT NULL,
	`type` text NOT NULL,
	`options` text NOT NULL,
	`group_id` text,
	`sync_mode` text NOT NULL,
	`mapping` text NOT NULL,
	`group_lists` text NOT NULL,
	`config_version` integer DEFAULT 1 NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`app_id`) REFERENCES `apps`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`group_id`) REFERENCES `groups`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `destinations_tenant_name_idx` ON `destinations` (`tenant_id`,`name`);--> statement-breakpoint
CREATE INDEX `destinations_tenant_created_idx` ON `destinations` (`tenant_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `destinations_app_idx` ON `destinations` (`app_id`);--> statement-breakpoint
CREATE INDEX `destinations_group_idx` ON `destinations` (`group_id`);--> statement-breakpoint
CREATE TABLE `destination_records` (
	`tenant_id` text NOT NULL,
	`destination_id` text NOT NULL,
	`record_id` text NOT NULL,
	`payload` text NOT NULL,
	`remote_id` text,
	`sent_at` integer NOT NULL,
	PRIMARY KEY(`destination_id`, `record_id`),
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`destination_id`) REFERENCES `destinations`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `destination_records_record_idx` ON `destination_records` (`record_id`);--> statement-breakpoint
CREATE TABLE `exports` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`destination_id` text NOT NULL,
	`record_id` text NOT NULL,
	`kind` text NOT NULL,
	`state` text NOT NULL,
	`old_payload` text,
	`new_payload` text NOT NULL,
	`to_delete` integer NOT NULL,
	`revision` integer NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_attempt_at` integer NOT NULL,
	`response` text,
	`error` text,
	`reason` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`finished_at` integer,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`destination_id`) REFERENCES `destinations`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `exports_one_pending_idx` ON `exports` (`destination_id`,`record_id`) WHERE state = 'pending' and kind = 'record';--> statement-breakpoint
CREATE INDEX `exports_due_idx` ON `exports` (`destination_id`,`state`,`next_attempt_at`);--> statement-breakpoint
CREATE INDEX `exports_record_idx` ON `exports` (`record_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `exports_tenant_created_idx` ON `exports` (`tenant_id`,`created_at`);--> statement-breakpoint
ALTER TABLE `runs` ADD `destination_id` text;--> statement-breakpoint
CREATE UNIQUE INDEX `runs_one_active_per_destination_idx` ON `runs` (`destination_id`) WHERE state in ('draft', 'running');--> statement-breakpoint
ALTER TABLE `tenants` ADD `export_max_attempts` integer DEFAULT 10 NOT NULL;--> statement-breakpoint
ALTER TABLE `tenants` ADD `allow_private_destinations` integer DEFAULT false NOT NULL;