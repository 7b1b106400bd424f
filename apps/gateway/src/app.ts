import { Hono } from "hono";
import { adminApp } from "./admin/app";
import { relayReceiptRoutes } from "./carriers/http-relay/receipt-route";
import { databaseErrorText } from "./db/errors";
import type { AppEnv } from "./env";
import { ApiError } from "./errors/api-error";
import { errorResponse } from "./errors/envelope";
import { routeTable } from "./errors/method-not-allowed";
import { isDependencyUnavailable } from "./errors/unavailable";
import { requestId } from "./middleware/request-id";
import { log } from "./observability/logger";
import { balanceRoutes } from "./routes/balance";
import { controlRoutes } from "./routes/control";
import { docsRoutes } from "./routes/docs";
import { healthRoutes } from "./routes/health";
import { sendRoutes } from "./routes/send";
import { statusRoutes } from "./routes/status";

export const API_PREFIX = "/api/v1/lisoloo/sms-api";

/**
 * Builds the HTTP app: request id first, then the merchant API (each route declares its own auth,
 * rate-limit bucket and idempotency, so a wrong method is a 405 before any key is looked at), the
 * operator API, and the error envelope for every miss and failure.
 */
export function createApp(): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.use(requestId());

  app.route(API_PREFIX, healthRoutes);
  app.route(API_PREFIX, sendRoutes);
  app.route(API_PREFIX, statusRoutes);

  app.route(API_PREFIX, balanceRoutes);
  app.route(API_PREFIX, controlRoutes);
  app.route("/admin/v1", adminApp());
  // Delivery reports from HTTP relays (Kannel's dlr-url): signed, not keyed, so outside both APIs.
  app.route("/", relayReceiptRoutes);
  app.route("/", docsRoutes);

  const hasOtherMethod = routeTable(app);
  app.notFound((c) =>
    errorResponse(c, new ApiError(hasOtherMethod(c.req.method, c.req.path) ? "1404" : "1403")),
  );
  app.onError((err, c) => {
    if (err instanceof ApiError) return errorResponse(c, err);
    const unavailable = isDependencyUnavailable(err);
    // Never leak internals: the log has the error, the client the request id to quote.
    log.error("request.failed", {
      request_id: c.get("requestId"),
      method: c.req.method,
      path: c.req.path,
      error: err,
      cause: databaseErrorText(err),
    });
    return errorResponse(
      c,
      new ApiError(unavailable ? "1402" : "1401", { retryAfter: unavailable ? 1 : null }),
    );
  });
  return app;
}
