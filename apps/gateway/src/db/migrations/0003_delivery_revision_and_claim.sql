ALTER TABLE `deliveries` ADD `revision` text;--> statement-breakpoint
ALTER TABLE `deliveries` ADD `claim` text;--> statement-breakpoint
CREATE INDEX `deliveries_expiry_idx` ON `deliveries` (`expires_at`);