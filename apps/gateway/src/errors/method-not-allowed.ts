import { PatternRouter } from "hono/router/pattern-router";

const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;

/**
 * Knows every endpoint's path, so a miss can be told apart: a known path with the wrong method is a
 * 405 (1404), anything else a 404 (1403). Built once from the app's own route table.
 */
export function routeTable(app: {
  routes: readonly { method: string; path: string }[];
}): (method: string, path: string) => boolean {
  const router = new PatternRouter<true>();
  for (const route of app.routes) {
    if (route.method === "ALL") continue;
    router.add(route.method, route.path, true);
  }
  return function pathHasOtherMethod(method: string, path: string): boolean {
    return METHODS.some((m) => m !== method && router.match(m, path)[0].length > 0);
  };
}
