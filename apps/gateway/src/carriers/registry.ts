import { configOf } from "../config/config";
import type { Bindings } from "../env";
import type { Carrier } from "./carrier";
import type { RoutingTable } from "./routing";
import { SandboxCarrier } from "./sandbox";

let sandbox: SandboxCarrier | null = null;

/**
 * The routing table of this deployment, from the configuration checked once per isolate: the sandbox
 * sends everything to the stub; production routes by `CARRIER_ROUTES`.
 */
export function routingTable(env: Bindings): RoutingTable {
  return configOf(env).routing;
}

/** The connector behind a slug, or null when this deployment has none (→ failed 1501, refunded). */
export function carrierFor(env: Bindings, slug: string): Carrier | null {
  const config = configOf(env);
  if (slug !== "sandbox" || config.environment !== "sandbox") return null;
  sandbox ??= new SandboxCarrier(config.sandboxSlowDeliverySeconds ?? undefined);
  return sandbox;
}
