CREATE TABLE `directory_keys` (
	`digest` text PRIMARY KEY NOT NULL,
	`key_id` text NOT NULL,
	`merchant_id` text NOT NULL,
	`shard` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `directory_keys_key_id_unique` ON `directory_keys` (`key_id`);--> statement-breakpoint
CREATE TABLE `directory_merchants` (
	`merchant_id` text PRIMARY KEY NOT NULL,
	`shard` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `directory_merchants_shard_idx` ON `directory_merchants` (`shard`);