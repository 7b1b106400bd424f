import type { Context } from "hono";
import { readArchivedSend } from "../archive/read-archive";
import { createDb } from "../db/client";
import { findSend } from "../db/queries/sends";
import type { AppEnv } from "../env";
import { ApiError } from "../errors/api-error";
import { isMessageId } from "../ids";
import { archivedSendRows, liveSendRows, type SendRows } from "./send-rows";

/**
 * The send named by the `messageId` path parameter, if it belongs to the caller's merchant: from D1,
 * else from the archive, where it is only ever looked up under the caller's merchant. Else 404
 * `1201`, the same answer for a malformed, unknown, foreign or foreign-and-archived id.
 */
export async function ownSend(c: Context<AppEnv>): Promise<SendRows> {
  const id = c.req.param("messageId") ?? "";
  if (!isMessageId(id)) throw new ApiError("1201");
  const merchantId = c.get("merchant").id;
  const send = await findSend(createDb(c.var.shard.DB), merchantId, id);
  if (send) return liveSendRows(c.var.shard, send);
  const archived = await readArchivedSend(c.env.ARCHIVE, merchantId, id);
  if (!archived) throw new ApiError("1201");
  return archivedSendRows(archived);
}
