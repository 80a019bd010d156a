ALTER TABLE `exports` ADD `retried_at` integer;--> statement-breakpoint
CREATE INDEX `exports_destination_created_idx` ON `exports` (`destination_id`,`created_at`);