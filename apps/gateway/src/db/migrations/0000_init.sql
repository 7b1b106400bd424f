CREATE TABLE `api_keys` (
	`id` text PRIMARY KEY NOT NULL,
	`merchant_id` text NOT NULL,
	`environment` text NOT NULL,
	`digest` text NOT NULL,
	`prefix` text NOT NULL,
	`last4` text NOT NULL,
	`status` text DEFAULT 'ACTIVE' NOT NULL,
	`revoke_at` integer,
	`replaced_by` text,
	`last_used_at` integer,
	`webhook_url` text,
	`webhook_basic_auth_username` text,
	`webhook_basic_auth_password_enc` text,
	`webhook_signing_secret` text NOT NULL,
	`webhook_previous_signing_secret` text,
	`webhook_previous_secret_until` integer,
	`webhook_disabled_at` integer,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`merchant_id`) REFERENCES `merchants`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "api_keys_prefix_env" CHECK(("api_keys"."environment" = 'sandbox' AND "api_keys"."prefix" = 'sk_test_') OR ("api_keys"."environment" = 'production' AND "api_keys"."prefix" = 'sk_live_'))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `api_keys_digest_unique` ON `api_keys` (`digest`);--> statement-breakpoint
CREATE INDEX `api_keys_merchant_idx` ON `api_keys` (`merchant_id`);--> statement-breakpoint
CREATE TABLE `deliveries` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`send_id` text NOT NULL,
	`dispatch_seq` integer NOT NULL,
	`recipient_idx` integer NOT NULL,
	`phone` text NOT NULL,
	`status` text DEFAULT 'pending' NOT NULL,
	`error_code` text,
	`carrier` text,
	`carrier_message_id` text,
	`parts` text,
	`event_seq` integer DEFAULT 0 NOT NULL,
	`refunded_micros` integer DEFAULT 0 NOT NULL,
	`processing_at` integer,
	`sent_at` integer,
	`delivered_at` integer,
	`failed_at` integer,
	`expires_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `deliveries_one_per_recipient_dispatch` ON `deliveries` (`send_id`,`dispatch_seq`,`recipient_idx`);--> statement-breakpoint
CREATE INDEX `deliveries_status_idx` ON `deliveries` (`status`,`updated_at`);--> statement-breakpoint
CREATE INDEX `deliveries_carrier_msg_idx` ON `deliveries` (`carrier`,`carrier_message_id`);--> statement-breakpoint
CREATE TABLE `dispatches` (
	`send_id` text NOT NULL,
	`seq` integer NOT NULL,
	`due_at` integer NOT NULL,
	`status` text DEFAULT 'scheduled' NOT NULL,
	`released_at` integer,
	PRIMARY KEY(`send_id`, `seq`)
);
--> statement-breakpoint
CREATE INDEX `dispatches_due_idx` ON `dispatches` (`status`,`due_at`);--> statement-breakpoint
CREATE TABLE `merchants` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`time_zone` text DEFAULT 'Africa/Kinshasa' NOT NULL,
	`currency` text DEFAULT 'USD' NOT NULL,
	`unit_price_micros` integer,
	`default_sender_id` text,
	`allowed_countries` text,
	`rate_limits` text DEFAULT '{}' NOT NULL,
	`created_at` integer NOT NULL,
	CONSTRAINT "merchants_unit_price_non_negative" CHECK("merchants"."unit_price_micros" IS NULL OR "merchants"."unit_price_micros" >= 0)
);
--> statement-breakpoint
CREATE TABLE `receipts` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`delivery_id` integer NOT NULL,
	`status` text NOT NULL,
	`outcome` text NOT NULL,
	`error_code` text,
	`raw` text,
	`received_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `receipts_delivery_idx` ON `receipts` (`delivery_id`);--> statement-breakpoint
CREATE TABLE `recipients` (
	`send_id` text NOT NULL,
	`idx` integer NOT NULL,
	`phone` text NOT NULL,
	PRIMARY KEY(`send_id`, `idx`)
);
--> statement-breakpoint
CREATE TABLE `sends` (
	`id` text PRIMARY KEY NOT NULL,
	`merchant_id` text NOT NULL,
	`key_id` text NOT NULL,
	`sending_type` text NOT NULL,
	`sender_id` text NOT NULL,
	`message` text NOT NULL,
	`encoding` text NOT NULL,
	`segments` integer NOT NULL,
	`total_recipients` integer NOT NULL,
	`dispatch_count` integer NOT NULL,
	`unit_price_micros` integer NOT NULL,
	`total_cost_micros` integer NOT NULL,
	`currency` text NOT NULL,
	`callback_url` text,
	`validity_period` integer NOT NULL,
	`time_zone` text NOT NULL,
	`state` text DEFAULT 'active' NOT NULL,
	`duplicates_removed` integer DEFAULT 0 NOT NULL,
	`transliterated` text,
	`idempotency_key` text,
	`first_dispatch_at` integer NOT NULL,
	`scheduled_at_local` text,
	`created_at` integer NOT NULL,
	CONSTRAINT "sends_totals_positive" CHECK("sends"."total_recipients" BETWEEN 1 AND 1000 AND "sends"."dispatch_count" BETWEEN 1 AND 1000 AND "sends"."segments" >= 1)
);
--> statement-breakpoint
CREATE INDEX `sends_merchant_idx` ON `sends` (`merchant_id`,`created_at`);--> statement-breakpoint
CREATE UNIQUE INDEX `sends_idempotency_uq` ON `sends` (`key_id`,`idempotency_key`);--> statement-breakpoint
CREATE TABLE `wallet_ledger` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`merchant_id` text NOT NULL,
	`wallet_type` text NOT NULL,
	`amount_micros` integer NOT NULL,
	`reason` text NOT NULL,
	`send_id` text,
	`reference` text,
	`note` text,
	`created_at` integer NOT NULL,
	CONSTRAINT "wallet_ledger_amount_non_zero" CHECK("wallet_ledger"."amount_micros" <> 0)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `wallet_ledger_reference_unique` ON `wallet_ledger` (`reference`);--> statement-breakpoint
CREATE INDEX `wallet_ledger_wallet_idx` ON `wallet_ledger` (`merchant_id`,`wallet_type`);--> statement-breakpoint
CREATE INDEX `wallet_ledger_send_idx` ON `wallet_ledger` (`send_id`);--> statement-breakpoint
CREATE TABLE `wallets` (
	`merchant_id` text NOT NULL,
	`type` text NOT NULL,
	`balance_micros` integer DEFAULT 0 NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`merchant_id`, `type`),
	FOREIGN KEY (`merchant_id`) REFERENCES `merchants`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "wallets_balance_non_negative" CHECK("wallets"."balance_micros" >= 0)
);
--> statement-breakpoint
CREATE TABLE `webhook_events` (
	`id` text PRIMARY KEY NOT NULL,
	`send_id` text NOT NULL,
	`delivery_id` integer,
	`key_id` text NOT NULL,
	`event_type` text NOT NULL,
	`sequence` integer NOT NULL,
	`destination` text,
	`payload` text NOT NULL,
	`occurred_at` integer NOT NULL,
	`status` text DEFAULT 'pending' NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `webhook_events_send_idx` ON `webhook_events` (`send_id`);--> statement-breakpoint
CREATE INDEX `webhook_events_status_idx` ON `webhook_events` (`status`,`created_at`);