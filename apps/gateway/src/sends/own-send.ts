import type { Context } from "hono";
import { createDb } from "../db/client";
import { findSend, type SendRow } from "../db/queries/sends";
import type { AppEnv } from "../env";
import { ApiError } from "../errors/api-error";
import { isMessageId } from "../ids";

/**
 * The send named by the `messageId` path parameter, if it belongs to the caller's merchant; else 404
 * `1201`, the same answer for a malformed, unknown or foreign id.
 */
export async function ownSend(c: Context<AppEnv>): Promise<SendRow> {
  const id = c.req.param("messageId") ?? "";
  const send = isMessageId(id)
    ? await findSend(createDb(c.var.shard.DB), c.get("merchant").id, id)
    : undefined;
  if (!send) throw new ApiError("1201");
  return send;
}
