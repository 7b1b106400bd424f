import { Hono } from "hono";
import { z } from "zod";
import { configOf } from "../../config/config";
import type { AppEnv } from "../../env";
import { ApiError } from "../../errors/api-error";
import { log } from "../../observability/logger";
import { parseAdminBody } from "../validate";
import { decodeResealCursor, encodeResealCursor, type ResealPosition } from "./cursor";
import { RESEAL_PAGE_LIMIT, resealPage } from "./reseal-page";
import { sealedColumns } from "./sealed-columns";

const querySchema = z.strictObject({
  cursor: z.string().optional(),
  limit: z
    .string()
    .regex(/^[1-9]\d{0,2}$/, `A whole number from 1 to ${RESEAL_PAGE_LIMIT}`)
    .transform(Number)
    .pipe(z.number().max(RESEAL_PAGE_LIMIT, `A whole number from 1 to ${RESEAL_PAGE_LIMIT}`))
    .optional(),
});

const badCursor = () =>
  new ApiError("1110", {
    details: [
      {
        field: "cursor",
        message: "Not a cursor this endpoint gave: pass next_cursor as it came, or none to start a pass",
        code: "INVALID_FIELD_FORMAT",
      },
    ],
  });

/**
 * `POST /admin/v1/credentials/reseal[?cursor=…&limit=…]`: one page of a pass that seals every stored
 * secret (carrier passwords, webhook Basic passwords) under the current `CREDENTIALS_KEY`, so that
 * `CREDENTIALS_KEY_PREVIOUS` can be dropped after a rotation (DEPLOYING.md). Call it without a cursor,
 * then with each answer's `next_cursor` until `done`; the counts are the pass's so far, and the last
 * page's are the whole pass's. Safe to repeat: a value already under the current key is only counted,
 * so a second pass that reseals nothing is the proof that nothing old remains. Without a previous key
 * it changes nothing and says what no key opens.
 *
 * Why a job rather than re-sealing lazily as secrets are read: a lazy re-seal only reaches what is
 * used, and a disabled carrier or a key whose webhook never fires would keep its old ciphertext for
 * good, with nothing to tell the operator when the old key may go. Paged by the caller, as D1 allows
 * 1000 queries per invocation: a page is at most `RESEAL_PAGE_LIMIT` updates and ten reads.
 */
export const resealRoutes = new Hono<AppEnv>().post("/credentials/reseal", async (c) => {
  const query = parseAdminBody(querySchema, c.req.query());
  const columns = sealedColumns(c.env);
  let from: ResealPosition = { database: "DIRECTORY", after: null };
  let totals = { resealed: 0, current: 0, unreadable: 0 };
  if (query.cursor !== undefined) {
    const cursor = decodeResealCursor(query.cursor);
    if (cursor === null || !columns.some((column) => column.database === cursor.database)) throw badCursor();
    from = { database: cursor.database, after: cursor.after };
    totals = cursor.totals;
  }
  const { credentialKeys } = configOf(c.env);
  const page = await resealPage(c.env, credentialKeys, from, query.limit ?? RESEAL_PAGE_LIMIT);
  totals = {
    resealed: totals.resealed + page.counts.resealed,
    current: totals.current + page.counts.current,
    unreadable: totals.unreadable + page.counts.unreadable,
  };
  log.info("credentials.reseal", {
    request_id: c.get("requestId"),
    ...page.counts,
    from: from.database,
    done: page.next === null,
  });
  return c.json({
    status_code: 200,
    success: true,
    data: {
      ...totals,
      unreadable_rows: page.unreadable,
      previous_key_set: credentialKeys.length > 1,
      next_cursor: page.next === null ? null : encodeResealCursor({ ...page.next, totals }),
      done: page.next === null,
    },
  });
});
