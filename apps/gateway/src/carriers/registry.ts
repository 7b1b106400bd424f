import type { Bindings } from "../env";
import type { Carrier } from "./carrier";
import type { RoutingTable } from "./routing";
import { SandboxCarrier } from "./sandbox";

let sandbox: SandboxCarrier | null = null;

function sandboxCarrier(env: Bindings): SandboxCarrier {
  const configured = Number(
    (env as { SANDBOX_SLOW_DELIVERY_SECONDS?: string }).SANDBOX_SLOW_DELIVERY_SECONDS,
  );
  sandbox ??= new SandboxCarrier(Number.isFinite(configured) && configured >= 0 ? configured : undefined);
  return sandbox;
}

/**
 * The routing table of this deployment. The sandbox sends everything to the stub; production reads
 * `CARRIER_ROUTES` (JSON `{ routes, defaultRoute }`).
 */
export function routingTable(env: Bindings): RoutingTable {
  if (env.ENVIRONMENT === "sandbox") return { routes: {}, defaultRoute: "sandbox" };
  const configured = (env as { CARRIER_ROUTES?: string }).CARRIER_ROUTES;
  if (!configured) return { routes: {}, defaultRoute: "unrouted" };
  return JSON.parse(configured) as RoutingTable;
}

/** The connector behind a slug, or null when this deployment has none (→ failed 1501, refunded). */
export function carrierFor(env: Bindings, slug: string): Carrier | null {
  return slug === "sandbox" && env.ENVIRONMENT === "sandbox" ? sandboxCarrier(env) : null;
}
