ALTER TABLE `destinations` ADD `send_records` integer DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE `destinations` ADD `event_names` text DEFAULT '[]' NOT NULL;--> statement-breakpoint
ALTER TABLE `exports` ADD `event` text;