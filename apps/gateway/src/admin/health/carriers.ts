import { type BindState, bindStates } from "../../carriers/binds";
import { connectorExists } from "../../carriers/connectors";
import { SANDBOX } from "../../carriers/routing";
import { type CarrierRow, carrierConfigOf } from "../../carriers/settings";
import { configOf } from "../../config/config";
import type { WorkerEnv } from "../../env";
import { MAX_ROUTES } from "../carrier-schemas";
import type { QueryBatch } from "./query-batch";

/** Carriers listed: far more than a deployment has, and a bound on the read. */
const CARRIERS_LISTED = 1000;

type CarrierEntry = {
  slug: string;
  kind: "sandbox" | CarrierRow["kind"];
  enabled: boolean;
  /** Whether this build has a connector for the kind: without one, its sends fail 1501. */
  has_connector: boolean;
  prefixes: string[];
  default_route: boolean;
  /** SMPP binds as their Durable Objects report them; null for other kinds. */
  binds: BindState[] | null;
};

/** Where routes come from (the sandbox's are fixed), the default route, and every carrier. */
export type CarrierHealth = {
  routing_source: "sandbox" | "d1";
  default_route: string | null;
  carriers: CarrierEntry[];
};

const sandboxView = (): CarrierHealth => ({
  routing_source: "sandbox",
  default_route: SANDBOX,
  carriers: [
    {
      slug: SANDBOX,
      kind: "sandbox",
      enabled: true,
      has_connector: true,
      prefixes: [],
      default_route: true,
      binds: null,
    },
  ],
});

/**
 * The carriers and the routes pointing at each, read from D1 in the health view's batch (the sandbox
 * routes everything to its stub, and reads nothing). A carrier that routes lead to while it is
 * disabled, or whose kind has no connector, fails those sends 1501 (refunded): `problemsOf` says so.
 */
export function carrierHealth(batch: QueryBatch, env: WorkerEnv): () => Promise<CarrierHealth> {
  if (configOf(env).environment === "sandbox") return async () => sandboxView();
  const carrierRows = batch.add<CarrierRow>(
    "carriers",
    "SELECT slug, kind, enabled, settings, password_enc, updated_at FROM carriers ORDER BY slug LIMIT ?1",
    CARRIERS_LISTED,
  );
  const routeRows = batch.add<{ prefix: string; carrier_slug: string }>(
    "carrier_routes",
    "SELECT prefix, carrier_slug FROM carrier_routes ORDER BY prefix LIMIT ?1",
    MAX_ROUTES + 1,
  );
  return async () => {
    const routes = routeRows();
    const defaultRoute = routes.find((r) => r.prefix === "")?.carrier_slug ?? null;
    const entries = await Promise.all(
      carrierRows().map(async (row): Promise<CarrierEntry> => {
        const config = row.kind === "smpp" ? carrierConfigOf(row) : null;
        return {
          slug: row.slug,
          kind: row.kind,
          enabled: Boolean(row.enabled),
          has_connector: connectorExists(row.kind),
          prefixes: routes.filter((r) => r.carrier_slug === row.slug && r.prefix !== "").map((r) => r.prefix),
          default_route: row.slug === defaultRoute,
          binds: row.kind === "smpp" ? (config ? await bindStates(env, config) : []) : null,
        };
      }),
    );
    return { routing_source: "d1", default_route: defaultRoute, carriers: entries };
  };
}
