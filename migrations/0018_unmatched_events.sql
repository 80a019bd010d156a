CREATE TABLE `event_identities` (
	`event_id` text NOT NULL,
	`tenant_id` text NOT NULL,
	`property_id` text NOT NULL,
	`value` text NOT NULL,
	PRIMARY KEY(`event_id`, `property_id`, `value`),
	FOREIGN KEY (`event_id`) REFERENCES `events`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`property_id`) REFERENCES `properties`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `event_identities_value_idx` ON `event_identities` (`tenant_id`,`property_id`,`value`);--> statement-breakpoint
ALTER TABLE `tenants` ADD `events_create_records` integer DEFAULT true NOT NULL;