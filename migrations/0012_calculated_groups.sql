ALTER TABLE `group_membership_changes` ADD `run_id` text REFERENCES runs(id) ON DELETE set null;--> statement-breakpoint
CREATE INDEX `group_membership_changes_run_idx` ON `group_membership_changes` (`run_id`) WHERE run_id is not null;--> statement-breakpoint
ALTER TABLE `groups` ADD `rules_version` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `groups` ADD `recalculate_at` integer;--> statement-breakpoint
ALTER TABLE `runs` ADD `group_id` text REFERENCES groups(id) ON DELETE cascade;--> statement-breakpoint
CREATE UNIQUE INDEX `runs_one_active_per_group_idx` ON `runs` (`group_id`) WHERE state in ('draft', 'running');--> statement-breakpoint
UPDATE `runs` SET `counters` = json_set(`counters`, '$.membersJoined', 0, '$.membersLeft', 0);
