import { Hono } from "hono";
import type { AppEnv } from "./env";
import { ApiError } from "./errors/api-error";
import { errorResponse } from "./errors/envelope";
import { routeTable } from "./errors/method-not-allowed";
import { requestId } from "./middleware/request-id";
import { healthRoutes } from "./routes/health";

export const API_PREFIX = "/api/v1/lisoloo/sms-api";

/** Builds the HTTP app: middleware order, routes per resource, and the error envelope for every miss. */
export function createApp(): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.use(requestId());

  app.route(API_PREFIX, healthRoutes);

  const hasOtherMethod = routeTable(app);
  app.notFound((c) =>
    errorResponse(c, new ApiError(hasOtherMethod(c.req.method, c.req.path) ? "1404" : "1403")),
  );
  app.onError((err, c) => {
    if (err instanceof ApiError) return errorResponse(c, err);
    // Never leak internals: the log has the stack, the client the request id.
    console.error(
      JSON.stringify({
        level: "error",
        request_id: c.get("requestId"),
        error: String(err),
        stack: (err as Error).stack,
      }),
    );
    return errorResponse(c, new ApiError("1401"));
  });
  return app;
}
