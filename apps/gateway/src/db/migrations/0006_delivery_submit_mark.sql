DROP INDEX `deliveries_expiry_idx`;--> statement-breakpoint
ALTER TABLE `deliveries` ADD `submitting_at` integer;--> statement-breakpoint
CREATE INDEX `deliveries_open_expiry_idx` ON `deliveries` (`expires_at`) WHERE "deliveries"."status" IN ('pending', 'processing', 'accepted', 'enroute', 'sent');--> statement-breakpoint
CREATE INDEX `deliveries_unsubmitted_idx` ON `deliveries` (`submitting_at`,`updated_at`) WHERE "deliveries"."status" = 'processing' AND "deliveries"."carrier_message_id" IS NULL;