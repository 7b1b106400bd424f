import type { CarrierKind } from "../db/schema";
import type { WorkerEnv } from "../env";
import type { Carrier } from "./carrier";
import { httpRelayConnector } from "./http-relay/connector";
import type { CarrierConfig } from "./settings";
import { smppConnector } from "./smpp/connector";

/** Makes the connector of one configured carrier of kind `K`. */
export type ConnectorFactory<K extends CarrierKind> = (
  env: WorkerEnv,
  carrier: Extract<CarrierConfig, { kind: K }>,
) => Carrier;

/**
 * The connector of each kind, or null while the gateway has none for it: a carrier of that kind takes
 * no sends (they fail 1501, refunded) and the health view says so. A connector lives in its own folder
 * (`smpp/`, `http-relay/`) and exports its factory; setting it here is all routing, the admin view and
 * the health view need. Keyed by every kind, so a new kind does not compile until it is decided here.
 */
const connectors: { [K in CarrierKind]: ConnectorFactory<K> | null } = {
  smpp: smppConnector,
  http_relay: httpRelayConnector,
};

/** Whether carriers of `kind` have a connector in this build. */
export function connectorExists(kind: CarrierKind): boolean {
  return connectors[kind] !== null;
}

/**
 * Connectors made so far, per slug: a carrier's connector is made once per isolate and made again
 * when its row changes (`updatedAt`), so a connector may keep state (bind handles, counters).
 */
const made = new Map<string, { updatedAt: number; carrier: Carrier }>();

/**
 * The connector of a configured carrier, or null when its kind has none yet.
 * @example const carrier = connectorOf(env, config); if (carrier) await carrier.submit(batch, sink);
 */
export function connectorOf(env: WorkerEnv, config: CarrierConfig): Carrier | null {
  const known = made.get(config.slug);
  if (known && known.updatedAt === config.updatedAt) return known.carrier;
  // Each factory takes its own kind's config, which `config.kind` picked.
  const factory = connectors[config.kind] as ConnectorFactory<CarrierKind> | null;
  if (factory === null) return null;
  const carrier = factory(env, config);
  made.set(config.slug, { updatedAt: config.updatedAt, carrier });
  return carrier;
}
