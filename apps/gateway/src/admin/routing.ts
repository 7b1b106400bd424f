import { Hono } from "hono";
import { forgetCarriers } from "../carriers/registry";
import { createDb } from "../db/client";
import { carrierRoutes, carriers } from "../db/schema";
import type { AppEnv } from "../env";
import { ApiError, type ErrorDetail } from "../errors/api-error";
import { readJsonObject } from "../http/read-json";
import { log } from "../observability/logger";
import { putRoutesSchema } from "./carrier-schemas";
import { routesView } from "./carrier-views";
import { fieldOf, parseAdminBody } from "./validate";

const unknownCarrier = (field: string, slug: string): ErrorDetail => ({
  field,
  message: `No carrier "${slug}": create it first (POST /admin/v1/carriers)`,
  code: "INVALID_FIELD_FORMAT",
});

/**
 * Operator routes for the routing table (CONTRACT §12). `PUT` replaces the whole table in one D1
 * batch: a send is routed by the old table or the new one, never by half of each. Every route must
 * name an existing carrier (a foreign key keeps that true in the database too); a disabled one is
 * allowed, and its sends fail 1501 until it is enabled again.
 */
export const routingTableRoutes = new Hono<AppEnv>()
  .put("/routes", async (c) => {
    const input = parseAdminBody(putRoutesSchema, await readJsonObject(c));
    const db = createDb(c.env.DIRECTORY);
    const known = new Set((await db.select({ slug: carriers.slug }).from(carriers)).map((r) => r.slug));
    const details: ErrorDetail[] = [];
    for (const [prefix, slug] of Object.entries(input.routes)) {
      if (!known.has(slug)) details.push(unknownCarrier(fieldOf(["routes", prefix]), slug));
    }
    if (input.default_route !== null && !known.has(input.default_route)) {
      details.push(unknownCarrier("default_route", input.default_route));
    }
    if (details.length > 0) throw new ApiError("1110", { details });

    // The default route is the row of the empty prefix (see the `carrier_routes` schema).
    const table: Record<string, string> = { ...input.routes };
    if (input.default_route !== null) table[""] = input.default_route;
    await c.env.DIRECTORY.batch([
      c.env.DIRECTORY.prepare("DELETE FROM carrier_routes"),
      c.env.DIRECTORY.prepare(
        `INSERT INTO carrier_routes (prefix, carrier_slug, created_at)
         SELECT key, value, ?2 FROM json_each(?1)`,
      ).bind(JSON.stringify(table), Date.now()),
    ]);
    forgetCarriers();
    log.info("routes.replaced", {
      routes: Object.keys(input.routes).length,
      default_route: input.default_route,
    });
    // What was written, not a read after it: another PUT may already have replaced it.
    const written = Object.entries(table).map(([prefix, carrierSlug]) => ({ prefix, carrierSlug }));
    return c.json({ status_code: 200, success: true, data: routesView(written) });
  })
  .get("/routes", async (c) => {
    const rows = await createDb(c.env.DIRECTORY).select().from(carrierRoutes);
    return c.json({ status_code: 200, success: true, data: routesView(rows) });
  });
