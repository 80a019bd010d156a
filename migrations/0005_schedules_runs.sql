CREATE TABLE `runs` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`schedule_id` text,
	`source_id` text,
	`state` text NOT NULL,
	`reason` text,
	`trigger` text NOT NULL,
	`incremental` integer NOT NULL,
	`cursor` text,
	`page` integer NOT NULL,
	`high_water_mark_start` text,
	`high_water_mark` text,
	`counters` text NOT NULL,
	`percent_complete` integer NOT NULL,
	`started_at` integer,
	`finished_at` integer,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`schedule_id`) REFERENCES `schedules`(`id`) ON UPDATE no action ON DELETE set null,
	FOREIGN KEY (`source_id`) REFERENCES `sources`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE INDEX `runs_tenant_created_idx` ON `runs` (`tenant_id`,`created_at`);--> statement-breakpoint
CREATE UNIQUE INDEX `runs_one_active_per_schedule_idx` ON `runs` (`schedule_id`) WHERE state in ('draft', 'running');--> statement-breakpoint
CREATE TABLE `schedules` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`source_id` text NOT NULL,
	`name` text NOT NULL,
	`every_minutes` integer,
	`incremental_column` text,
	`high_water_mark` text,
	`confirm_records` integer NOT NULL,
	`remove_missing` integer NOT NULL,
	`next_run_at` integer,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`source_id`) REFERENCES `sources`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `schedules_tenant_idx` ON `schedules` (`tenant_id`);--> statement-breakpoint
CREATE INDEX `schedules_due_idx` ON `schedules` (`next_run_at`);