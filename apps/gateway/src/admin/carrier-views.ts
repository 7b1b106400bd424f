import type { BindState } from "../carriers/binds";
import { connectorExists } from "../carriers/connectors";
import type { carriers } from "../db/schema";

type CarrierRecord = typeof carriers.$inferSelect;

/**
 * Operator-facing shape of a carrier (CONTRACT §12): its settings under its kind's name, as they
 * were written, except the password, of which only `password_set` is told. `has_connector` says
 * whether this build has a connector for the kind (without one, its sends fail 1501). The single
 * carrier's view adds its SMPP binds.
 */
export function carrierView(row: CarrierRecord, binds?: BindState[]) {
  // A relay stored before `receipt_basic_auth` existed has it off, as its connector reads it.
  const stored = row.kind === "http_relay" ? { receipt_basic_auth: false, ...row.settings } : row.settings;
  const settings = { ...stored, password_set: row.passwordEnc !== null };
  return {
    slug: row.slug,
    kind: row.kind,
    enabled: row.enabled,
    ...(row.kind === "smpp" ? { smpp: settings } : { http_relay: settings }),
    has_connector: connectorExists(row.kind),
    ...(binds === undefined ? {} : { binds }),
    created_at: new Date(row.createdAt).toISOString(),
    updated_at: new Date(row.updatedAt).toISOString(),
  };
}

/** The routing table as `GET /admin/v1/routes` shows it: prefixes in order, the default route apart. */
export function routesView(rows: { prefix: string; carrierSlug: string }[]) {
  const routes: Record<string, string> = {};
  let defaultRoute: string | null = null;
  for (const row of [...rows].sort((a, b) => (a.prefix < b.prefix ? -1 : a.prefix > b.prefix ? 1 : 0))) {
    if (row.prefix === "") defaultRoute = row.carrierSlug;
    else routes[row.prefix] = row.carrierSlug;
  }
  return { routes, default_route: defaultRoute };
}
