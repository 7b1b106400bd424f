import { carrierFor } from "../../carriers/registry";
import { configOf } from "../../config/config";
import type { Bindings } from "../../env";

/**
 * The routing table and, for every slug it names, whether this deployment has a connector for it (a
 * route to a slug without one fails every send 1501, refunded). From the checked configuration, no
 * I/O. Each carrier's live state joins it here: `binds` is where SMPP bind states will go.
 */
export function carrierHealth(env: Bindings) {
  const { routing, routingSource } = configOf(env);
  const prefixesOf = new Map<string, string[]>();
  for (const [prefix, slug] of Object.entries(routing.routes)) {
    prefixesOf.set(slug, [...(prefixesOf.get(slug) ?? []), prefix]);
  }
  if (!prefixesOf.has(routing.defaultRoute)) prefixesOf.set(routing.defaultRoute, []);
  return {
    routing_source: routingSource,
    default_route: routing.defaultRoute,
    carriers: [...prefixesOf].map(([slug, prefixes]) => ({
      slug,
      prefixes: prefixes.sort(),
      default_route: slug === routing.defaultRoute,
      has_connector: carrierFor(env, slug) !== null,
      /** SMPP binds (state, window in use, submits and receipts per minute) once SMPP connectors exist. */
      binds: null as unknown[] | null,
    })),
  };
}

export type CarrierHealth = ReturnType<typeof carrierHealth>;
