import { eq } from "drizzle-orm";
import type { Db } from "../client";
import { apiKeys, merchants } from "../schema";

/** The key with this digest and its merchant, in one read (the auth path's only query). */
export async function findKeyByDigest(db: Db, digest: string) {
  const rows = await db
    .select({ key: apiKeys, merchant: merchants })
    .from(apiKeys)
    .innerJoin(merchants, eq(merchants.id, apiKeys.merchantId))
    .where(eq(apiKeys.digest, digest))
    .limit(1);
  return rows[0] ?? null;
}

export type KeyWithMerchant = NonNullable<Awaited<ReturnType<typeof findKeyByDigest>>>;
