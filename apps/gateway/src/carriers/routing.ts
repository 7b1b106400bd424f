/**
 * Number prefix → connector slug, longest prefix first, with a default route (CONTRACT §12). The
 * DRC's operators as the example table; a deployment configures its own through `CARRIER_ROUTES`.
 */
export type RoutingTable = { routes: Record<string, string>; defaultRoute: string };

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
