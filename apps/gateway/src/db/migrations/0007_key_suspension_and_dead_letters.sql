CREATE TABLE `dead_letters` (
	`id` text PRIMARY KEY NOT NULL,
	`queue` text NOT NULL,
	`kind` text NOT NULL,
	`send_id` text,
	`dispatch_seq` integer,
	`from_idx` integer,
	`to_idx` integer,
	`body` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `dead_letters_created_idx` ON `dead_letters` (`created_at`);--> statement-breakpoint
ALTER TABLE `api_keys` ADD `suspended_until` integer;--> statement-breakpoint
CREATE INDEX `api_keys_suspended_until_idx` ON `api_keys` (`suspended_until`);--> statement-breakpoint
CREATE INDEX `api_keys_webhook_disabled_idx` ON `api_keys` (`webhook_disabled_at`);