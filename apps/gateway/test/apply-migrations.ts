import { applyD1Migrations } from "cloudflare:test";
import { env } from "cloudflare:workers";

// Setup files run outside isolated storage and may run more than once: applying is idempotent.
// Every database gets the same migrations: the directory and each shard.
await Promise.all(
  [env.DIRECTORY, env.DB_0, env.DB_1].map((db) => applyD1Migrations(db, env.TEST_MIGRATIONS)),
);
