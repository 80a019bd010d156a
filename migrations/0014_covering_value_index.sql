DROP INDEX `record_properties_property_value_idx`;--> statement-breakpoint
CREATE INDEX `record_properties_property_value_idx` ON `record_properties` (`property_id`,`value`,`record_id`,`tenant_id`);