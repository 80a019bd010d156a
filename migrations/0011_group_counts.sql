CREATE TABLE `group_counts` (
	`tenant_id` text NOT NULL,
	`group_id` text NOT NULL,
	`day` text NOT NULL,
	`members` integer NOT NULL,
	PRIMARY KEY(`group_id`, `day`),
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`group_id`) REFERENCES `groups`(`id`) ON UPDATE no action ON DELETE cascade
);
