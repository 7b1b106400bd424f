import { configOf } from "../config/config";
import type { WorkerEnv } from "../env";
import type { Carrier } from "./carrier";
import { connectorOf } from "./connectors";
import { type RoutingTable, SANDBOX, UNROUTED } from "./routing";
import { SandboxCarrier } from "./sandbox";
import { type CarrierConfig, type CarrierRow, carrierConfigOf } from "./settings";

/**
 * How long an isolate keeps the carriers and routes it read from D1. Every chunk of every send asks
 * for them, so without a cache each would cost a D1 round trip; with it an isolate reads them at most
 * once per period. A change made through the admin API takes effect at once in the isolate that
 * served it, and everywhere else within this time.
 */
export const REGISTRY_TTL_MS = 10_000;

/** The carriers and routes as one read saw them. */
type Snapshot = { routing: RoutingTable; carriers: Map<string, CarrierConfig> };

const sandboxRouting: RoutingTable = { routes: {}, defaultRoute: SANDBOX };

let cached: { db: D1Database; at: number; snapshot: Promise<Snapshot> } | null = null;
let sandbox: SandboxCarrier | null = null;

/** Both tables in one D1 batch: one round trip, one consistent view of them. */
async function load(db: D1Database): Promise<Snapshot> {
  const [carrierRows, routeRows] = await db.batch<Record<string, unknown>>([
    db.prepare("SELECT slug, kind, enabled, settings, password_enc, updated_at FROM carriers"),
    db.prepare("SELECT prefix, carrier_slug FROM carrier_routes"),
  ]);
  const carriers = new Map<string, CarrierConfig>();
  for (const row of (carrierRows?.results ?? []) as CarrierRow[]) {
    const config = carrierConfigOf(row);
    if (config) carriers.set(config.slug, config);
  }
  const routing: RoutingTable = { routes: {}, defaultRoute: UNROUTED };
  for (const row of (routeRows?.results ?? []) as { prefix: string; carrier_slug: string }[]) {
    // The empty prefix is the default route (every number starts with it).
    if (row.prefix === "") routing.defaultRoute = row.carrier_slug;
    else routing.routes[row.prefix] = row.carrier_slug;
  }
  return { routing, carriers };
}

function snapshotOf(env: WorkerEnv): Promise<Snapshot> {
  const now = Date.now();
  if (cached === null || cached.db !== env.DIRECTORY || now - cached.at >= REGISTRY_TTL_MS) {
    const entry = { db: env.DIRECTORY, at: now, snapshot: load(env.DIRECTORY) };
    // A failed read is not kept: the next caller tries again (this one gets the error, and its
    // queue message is retried).
    entry.snapshot.catch(() => {
      if (cached === entry) cached = null;
    });
    cached = entry;
  }
  return cached.snapshot;
}

/**
 * Drops this isolate's copy of the carriers and routes, so the next lookup reads D1: the admin API
 * calls it after each change, so the change applies at once here (elsewhere within `REGISTRY_TTL_MS`).
 */
export function forgetCarriers(): void {
  cached = null;
}

/**
 * A configured carrier as D1 holds it (cached like the routes), enabled or not, whatever this
 * deployment's environment: what a connector's own instances (an SMPP bind) read their settings from.
 */
export async function configuredCarrier(env: WorkerEnv, slug: string): Promise<CarrierConfig | null> {
  return (await snapshotOf(env)).carriers.get(slug) ?? null;
}

/**
 * The routing table of this deployment: the sandbox sends everything to its stub, whatever the
 * tables say; production routes by the `carrier_routes` table (cached per isolate, `REGISTRY_TTL_MS`).
 */
export async function routingTable(env: WorkerEnv): Promise<RoutingTable> {
  if (configOf(env).environment === "sandbox") return sandboxRouting;
  return (await snapshotOf(env)).routing;
}

/**
 * The connector behind a slug, or null when nothing can take its sends (→ failed 1501, refunded): in
 * the sandbox any slug but the stub's; in production a carrier that does not exist, is disabled, or
 * whose kind has no connector yet.
 */
export async function carrierFor(env: WorkerEnv, slug: string): Promise<Carrier | null> {
  const config = configOf(env);
  if (config.environment === "sandbox") {
    if (slug !== SANDBOX) return null;
    sandbox ??= new SandboxCarrier(config.sandboxSlowDeliverySeconds ?? undefined);
    return sandbox;
  }
  const carrier = (await snapshotOf(env)).carriers.get(slug);
  if (!carrier?.enabled) return null;
  return connectorOf(env, carrier);
}
