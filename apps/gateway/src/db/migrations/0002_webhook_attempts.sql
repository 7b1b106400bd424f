CREATE TABLE `webhook_attempts` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`event_id` text NOT NULL,
	`attempt` integer NOT NULL,
	`destination` text NOT NULL,
	`started_at` integer NOT NULL,
	`duration_ms` integer NOT NULL,
	`response_status` integer,
	`response_body` text,
	`error` text,
	`verdict` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `webhook_attempts_event_idx` ON `webhook_attempts` (`event_id`,`started_at`);--> statement-breakpoint
ALTER TABLE `webhook_events` ADD `reason` text;--> statement-breakpoint
ALTER TABLE `webhook_events` ADD `taken_at` integer;--> statement-breakpoint
ALTER TABLE `webhook_events` ADD `next_attempt_at` integer;--> statement-breakpoint
ALTER TABLE `webhook_events` ADD `delivered_at` integer;