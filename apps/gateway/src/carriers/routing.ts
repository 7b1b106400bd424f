import { z } from "zod";

/**
 * Number prefix → connector slug, longest prefix first, with a default route (CONTRACT §12). Operators
 * write it with `PUT /admin/v1/routes`; the registry reads it from D1.
 */
export type RoutingTable = { routes: Record<string, string>; defaultRoute: string };

/**
 * The slug a number gets when no prefix covers it and there is no default route. No carrier can be
 * called that, so such a delivery fails 1501 (refunded), and its events still name a carrier.
 */
export const UNROUTED = "unrouted";

/** The sandbox stub's slug: every sandbox number goes there, whatever the tables say. */
export const SANDBOX = "sandbox";

/** Slugs the gateway uses itself, which no configured carrier may take. */
export const reservedSlugs: readonly string[] = [SANDBOX, UNROUTED];

/** A connector's name: lowercase letters, digits and dashes (`vodacom-cd`). */
export const carrierSlugSchema = z
  .string({ error: (issue) => (issue.input === undefined ? "Missing" : "Must be a string") })
  .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, "A carrier slug is lowercase letters, digits and dashes (vodacom-cd)");

/** A number prefix as numbers are stored: `+` and 1–15 digits. */
export const routePrefixSchema = z
  .string()
  .regex(/^\+\d{1,15}$/, "A prefix is + followed by 1 to 15 digits (+24381)");

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

/** `+` and at most 15 digits: no prefix is longer. */
const LONGEST_PREFIX = 16;

/**
 * The connector slug for a `+digits` number: the route of its longest prefix, else the default
 * route. Looks up the number's own prefixes, longest first, so the cost does not grow with the table.
 * @example routeFor("+243812345678", { routes: drcRoutes, defaultRoute: "smpp-default" }) // "vodacom-cd"
 */
export function routeFor(phone: string, table: RoutingTable): string {
  for (let length = Math.min(phone.length, LONGEST_PREFIX); length >= 2; length--) {
    const prefix = phone.slice(0, length);
    if (Object.hasOwn(table.routes, prefix)) return table.routes[prefix] as string;
  }
  return table.defaultRoute;
}
