import { z } from "zod";

/**
 * Number prefix → connector slug, longest prefix first, with a default route (CONTRACT §12). The
 * DRC's operators as the example table; a deployment configures its own through `CARRIER_ROUTES`.
 */
export type RoutingTable = { routes: Record<string, string>; defaultRoute: string };

/** A connector's name: lowercase letters, digits and dashes (`vodacom-cd`). */
export const carrierSlugSchema = z
  .string({ error: (issue) => (issue.input === undefined ? "Missing" : "Must be a string") })
  .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, "A carrier slug is lowercase letters, digits and dashes (vodacom-cd)");

/** A number prefix as numbers are stored: `+` and 1–15 digits. */
export const routePrefixSchema = z
  .string()
  .regex(/^\+\d{1,15}$/, "A prefix is + followed by 1 to 15 digits (+24381)");

/** A routing table as a deployment writes it; every prefix and slug checked, nothing else allowed. */
export const routingTableSchema = z.strictObject({
  routes: z.record(routePrefixSchema, carrierSlugSchema),
  defaultRoute: carrierSlugSchema,
});

export const drcRoutes: Record<string, string> = {
  "+24381": "vodacom-cd",
  "+24382": "vodacom-cd",
  "+24383": "vodacom-cd",
  "+24380": "orange-cd",
  "+24384": "orange-cd",
  "+24385": "orange-cd",
  "+24389": "orange-cd",
  "+24397": "airtel-cd",
  "+24398": "airtel-cd",
  "+24399": "airtel-cd",
  "+24390": "africell-cd",
  "+24391": "africell-cd",
};

/**
 * The connector slug for a `+digits` number.
 * @example routeFor("+243812345678", { routes: drcRoutes, defaultRoute: "smpp-default" }) // "vodacom-cd"
 */
export function routeFor(phone: string, table: RoutingTable): string {
  let best = "";
  for (const prefix of Object.keys(table.routes)) {
    if (phone.startsWith(prefix) && prefix.length > best.length) best = prefix;
  }
  return best ? (table.routes[best] as string) : table.defaultRoute;
}
