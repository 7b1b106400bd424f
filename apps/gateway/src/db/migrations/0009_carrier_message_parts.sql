CREATE TABLE `carrier_message_parts` (
	`carrier` text NOT NULL,
	`carrier_message_id` text NOT NULL,
	`delivery_id` integer NOT NULL,
	`part_index` integer NOT NULL,
	`part_total` integer NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`carrier`, `carrier_message_id`),
	CONSTRAINT "carrier_message_parts_index" CHECK("carrier_message_parts"."part_total" BETWEEN 1 AND 255 AND "carrier_message_parts"."part_index" BETWEEN 1 AND "carrier_message_parts"."part_total")
);
--> statement-breakpoint
CREATE INDEX `carrier_message_parts_delivery_idx` ON `carrier_message_parts` (`delivery_id`,`part_index`);--> statement-breakpoint
CREATE TABLE `orphan_receipts` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`carrier` text NOT NULL,
	`carrier_message_id` text,
	`receipt` text NOT NULL,
	`source` text,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `orphan_receipts_created_idx` ON `orphan_receipts` (`created_at`);--> statement-breakpoint
ALTER TABLE `deliveries` ADD `error_message` text;