ALTER TABLE `sends` ADD `last_dispatch_at` integer;--> statement-breakpoint
ALTER TABLE `sends` ADD `archive_lease_until` integer;--> statement-breakpoint
-- Sends accepted before this migration learn when their last dispatch is due; new ones get it at acceptance.
UPDATE `sends` SET `last_dispatch_at` = (SELECT MAX(`due_at`) FROM `dispatches` WHERE `dispatches`.`send_id` = `sends`.`id`);--> statement-breakpoint
CREATE INDEX `sends_idempotency_created_idx` ON `sends` (`created_at`) WHERE "sends"."idempotency_key" IS NOT NULL;--> statement-breakpoint
CREATE INDEX `sends_archive_idx` ON `sends` (`last_dispatch_at`) WHERE "sends"."total_recipients" * "sends"."dispatch_count" <= 5000;--> statement-breakpoint
CREATE INDEX `wallet_ledger_merchant_idx` ON `wallet_ledger` (`merchant_id`,`id`);--> statement-breakpoint
CREATE INDEX `webhook_attempts_started_idx` ON `webhook_attempts` (`started_at`);--> statement-breakpoint
CREATE INDEX `webhook_events_untaken_idx` ON `webhook_events` (`created_at`) WHERE "webhook_events"."status" = 'pending' AND "webhook_events"."taken_at" IS NULL;--> statement-breakpoint
CREATE INDEX `webhook_events_taken_due_idx` ON `webhook_events` (`next_attempt_at`) WHERE "webhook_events"."status" = 'pending' AND "webhook_events"."taken_at" IS NOT NULL;