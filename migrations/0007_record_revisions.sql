ALTER TABLE `records` ADD `revision` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
CREATE INDEX `records_tenant_created_idx` ON `records` (`tenant_id`,`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `audit_log_target_idx` ON `audit_log` (`tenant_id`,`target_id`);