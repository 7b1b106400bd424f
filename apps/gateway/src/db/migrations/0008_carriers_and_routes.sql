CREATE TABLE `carrier_routes` (
	`prefix` text PRIMARY KEY NOT NULL,
	`carrier_slug` text NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`carrier_slug`) REFERENCES `carriers`(`slug`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "carrier_routes_prefix_format" CHECK("carrier_routes"."prefix" = '' OR (length("carrier_routes"."prefix") BETWEEN 2 AND 16 AND "carrier_routes"."prefix" GLOB '+*' AND substr("carrier_routes"."prefix", 2) NOT GLOB '*[^0-9]*'))
);
--> statement-breakpoint
CREATE TABLE `carriers` (
	`slug` text PRIMARY KEY NOT NULL,
	`kind` text NOT NULL,
	`enabled` integer DEFAULT true NOT NULL,
	`settings` text NOT NULL,
	`password_enc` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	CONSTRAINT "carriers_kind" CHECK("carriers"."kind" IN ('smpp', 'http_relay')),
	CONSTRAINT "carriers_slug_format" CHECK(length("carriers"."slug") BETWEEN 1 AND 63 AND "carriers"."slug" NOT GLOB '*[^a-z0-9-]*' AND "carriers"."slug" NOT GLOB '-*'),
	CONSTRAINT "carriers_enabled_boolean" CHECK("carriers"."enabled" IN (0, 1)),
	CONSTRAINT "carriers_settings_object_without_password" CHECK(json_valid("carriers"."settings") AND json_type("carriers"."settings") = 'object' AND json_extract("carriers"."settings", '$.password') IS NULL)
);
