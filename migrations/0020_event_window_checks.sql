CREATE TABLE `event_window_checks` (
	`property_id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`window_ms` integer NOT NULL,
	`checked_at` integer NOT NULL,
	`after_event_id` text,
	FOREIGN KEY (`property_id`) REFERENCES `properties`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `sources_type_idx` ON `sources` (`type`);