import type { WorkerEnv } from "../../env";
import { shardEnv, shardNames } from "../../shards/shard-env";

/**
 * One column holding `sealSecret` ciphertexts (crypto/secret-box.ts), in one database: what a re-seal
 * walks, by the table's primary key. A column added elsewhere that holds a sealed secret belongs here,
 * or a rotation would leave it sealed under a key that is about to be dropped.
 */
export type SealedColumn = {
  /** `DIRECTORY` or a shard's binding name (`DB_0`, …). */
  database: string;
  table: "carriers" | "api_keys";
  id: "slug" | "id";
  column: "password_enc" | "webhook_basic_auth_password_enc";
};

/**
 * Every sealed column of this deployment, in the order a re-seal walks them: carrier (SMPP bind and
 * relay sendsms) passwords in the directory, then each shard's webhook Basic passwords.
 *
 * @example sealedColumns(env).map((c) => `${c.database}.${c.table}`) // ["DIRECTORY.carriers", "DB_0.api_keys", "DB_1.api_keys"]
 */
export function sealedColumns(env: WorkerEnv): SealedColumn[] {
  return [
    { database: "DIRECTORY", table: "carriers", id: "slug", column: "password_enc" },
    ...shardNames(env).map(
      (database): SealedColumn => ({
        database,
        table: "api_keys",
        id: "id",
        column: "webhook_basic_auth_password_enc",
      }),
    ),
  ];
}

/** The D1 database a sealed column lives in (a shard through `shardEnv`, the one place that picks one). */
export function databaseOf(env: WorkerEnv, column: SealedColumn): D1Database {
  return column.database === "DIRECTORY" ? env.DIRECTORY : shardEnv(env, column.database).DB;
}
