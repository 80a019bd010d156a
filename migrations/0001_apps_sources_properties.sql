CREATE TABLE `apps` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`name` text NOT NULL,
	`plugin` text NOT NULL,
	`type` text NOT NULL,
	`options` text NOT NULL,
	`sealed_secrets` text,
	`last_test_at` integer,
	`last_test_ok` integer,
	`last_test_message` text,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `apps_tenant_idx` ON `apps` (`tenant_id`);--> statement-breakpoint
CREATE TABLE `properties` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`key` text NOT NULL,
	`type` text NOT NULL,
	`unique` integer NOT NULL,
	`is_array` integer NOT NULL,
	`source_id` text NOT NULL,
	`column` text NOT NULL,
	`aggregation` text NOT NULL,
	`sort_column` text,
	`filters` text NOT NULL,
	`version` integer NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`source_id`) REFERENCES `sources`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `properties_tenant_key_idx` ON `properties` (`tenant_id`,`key`);--> statement-breakpoint
CREATE INDEX `properties_source_idx` ON `properties` (`source_id`);--> statement-breakpoint
CREATE TABLE `record_properties` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`record_id` text NOT NULL,
	`property_id` text NOT NULL,
	`position` integer NOT NULL,
	`value` text,
	`invalid_value` text,
	`invalid_reason` text,
	`state` text NOT NULL,
	`value_changed_at` integer,
	`confirmed_at` integer,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`record_id`) REFERENCES `records`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`property_id`) REFERENCES `properties`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `record_properties_record_property_idx` ON `record_properties` (`record_id`,`property_id`,`position`);--> statement-breakpoint
CREATE INDEX `record_properties_tenant_property_value_idx` ON `record_properties` (`tenant_id`,`property_id`,`value`);--> statement-breakpoint
CREATE TABLE `records` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `records_tenant_idx` ON `records` (`tenant_id`);--> statement-breakpoint
CREATE TABLE `sources` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`app_id` text NOT NULL,
	`name` text NOT NULL,
	`type` text NOT NULL,
	`options` text NOT NULL,
	`role` text NOT NULL,
	`identity_column` text,
	`identity_property_id` text,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`app_id`) REFERENCES `apps`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `sources_tenant_idx` ON `sources` (`tenant_id`);--> statement-breakpoint
CREATE INDEX `sources_app_idx` ON `sources` (`app_id`);