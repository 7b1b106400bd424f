import { Hono } from "hono";
import type { AppEnv } from "../env";
import { ApiError } from "../errors/api-error";
import { errorResponse } from "../errors/envelope";
import { requestId } from "../middleware/request-id";

/**
 * What a deployment with an invalid environment answers to every request: 503 `1402` in the usual
 * envelope, with a request id. The findings are in the `config.invalid` log, not in the answer.
 */
export const misconfiguredApp = new Hono<AppEnv>()
  .use(requestId())
  .all("*", (c) => errorResponse(c, new ApiError("1402")));
