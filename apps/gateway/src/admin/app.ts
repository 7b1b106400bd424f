import { Hono } from "hono";
import type { AppEnv } from "../env";
import { carrierAdminRoutes } from "./carriers";
import { healthRoutes } from "./health/route";
import { keyRoutes } from "./keys";
import { merchantRoutes } from "./merchants";
import { requireAdmin } from "./require-admin";
import { resealRoutes } from "./reseal/route";
import { routingTableRoutes } from "./routing";
import { walletRoutes } from "./wallets";
import { webhookRoutes } from "./webhooks";

/** The operator API, mounted at `/admin/v1`; not part of the merchant surface. */
export function adminApp(): Hono<AppEnv> {
  const admin = new Hono<AppEnv>();
  admin.use(requireAdmin());
  admin.route("/", merchantRoutes);
  admin.route("/", keyRoutes);
  admin.route("/", walletRoutes);
  admin.route("/", webhookRoutes);
  admin.route("/", carrierAdminRoutes);
  admin.route("/", routingTableRoutes);
  admin.route("/", healthRoutes);
  admin.route("/", resealRoutes);
  return admin;
}
