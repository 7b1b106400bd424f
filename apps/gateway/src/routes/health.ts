import { Hono } from "hono";
import pkg from "../../package.json";
import { configOf } from "../config/config";
import type { AppEnv } from "../env";

/** `GET /health`: liveness, no authentication, no rate limit (CONTRACT §1). */
export const healthRoutes = new Hono<AppEnv>().get("/health", (c) =>
  c.json({ status: "ok", environment: configOf(c.env).environment, version: pkg.version }),
);
