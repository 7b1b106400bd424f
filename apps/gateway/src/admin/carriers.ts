import { and, asc, eq } from "drizzle-orm";
import { Hono } from "hono";
import { bindStates } from "../carriers/binds";
import { forgetCarriers } from "../carriers/registry";
import { carrierConfigOf, httpRelaySettingsSchema, smppSettingsSchema } from "../carriers/settings";
import { configOf } from "../config/config";
import { sealSecret } from "../crypto/secret-box";
import { createDb, type Db } from "../db/client";
import { carriers } from "../db/schema";
import type { AppEnv } from "../env";
import { ApiError } from "../errors/api-error";
import { readJsonObject } from "../http/read-json";
import { log } from "../observability/logger";
import { createCarrierSchema, settingsKey, updateCarrierSchema } from "./carrier-schemas";
import { carrierView } from "./carrier-views";
import { fieldOf, parseAdminBody } from "./validate";

type CarrierRecord = typeof carriers.$inferSelect;

async function carrierRow(db: Db, slug: string): Promise<CarrierRecord> {
  const row = await db.select().from(carriers).where(eq(carriers.slug, slug)).get();
  if (!row) throw new ApiError("1403", { message: "Carrier not found" });
  return row;
}

/** The settings a PATCH leaves, checked whole: the stored ones with the given fields replaced. */
function mergedSettings(row: CarrierRecord, given: Record<string, unknown>): Record<string, unknown> {
  const schema = row.kind === "smpp" ? smppSettingsSchema : httpRelaySettingsSchema;
  const merged = schema.safeParse({ ...row.settings, ...given });
  if (merged.success) return merged.data;
  throw new ApiError("1110", {
    details: merged.error.issues.map((issue) => ({
      field: fieldOf([settingsKey[row.kind], ...issue.path]),
      message: issue.message,
      code: "INVALID_FIELD_FORMAT",
    })),
  });
}

/**
 * Operator routes for carriers (CONTRACT §12): create, change, list, show. Every write drops this
 * isolate's cached registry, so routing sees it at once here and within `REGISTRY_TTL_MS` elsewhere.
 */
export const carrierAdminRoutes = new Hono<AppEnv>()
  .post("/carriers", async (c) => {
    const input = parseAdminBody(createCarrierSchema, await readJsonObject(c));
    const given = input[settingsKey[input.kind]];
    if (!given) throw new Error("createCarrierSchema let a carrier through without its settings");
    const { password, ...settings } = given;
    const now = Date.now();
    const db = createDb(c.env.DIRECTORY);
    const inserted = await db
      .insert(carriers)
      .values({
        slug: input.slug,
        kind: input.kind,
        enabled: input.enabled,
        settings,
        passwordEnc: await sealSecret(configOf(c.env).credentialsKey, password),
        createdAt: now,
        updatedAt: now,
      })
      .onConflictDoNothing()
      .returning()
      .get();
    if (!inserted) {
      throw new ApiError("1204", {
        message: "A carrier with this slug already exists",
        details: [
          {
            field: "slug",
            message: `"${input.slug}" is taken: change it with PATCH /admin/v1/carriers/${input.slug}`,
            code: "INVALID_STATE",
          },
        ],
      });
    }
    forgetCarriers();
    log.info("carrier.created", { carrier: inserted.slug, kind: inserted.kind, enabled: inserted.enabled });
    return c.json({ status_code: 201, success: true, data: carrierView(inserted) }, 201);
  })
  .get("/carriers", async (c) => {
    const rows = await createDb(c.env.DIRECTORY).select().from(carriers).orderBy(asc(carriers.slug));
    return c.json({ status_code: 200, success: true, data: rows.map((row) => carrierView(row)) });
  })
  .get("/carriers/:slug", async (c) => {
    const row = await carrierRow(createDb(c.env.DIRECTORY), c.req.param("slug"));
    const config = carrierConfigOf({ ...row, password_enc: row.passwordEnc, updated_at: row.updatedAt });
    const binds = row.kind === "smpp" ? (config ? await bindStates(c.env, config) : []) : undefined;
    return c.json({ status_code: 200, success: true, data: carrierView(row, binds) });
  })
  .patch("/carriers/:slug", async (c) => {
    const input = parseAdminBody(updateCarrierSchema, await readJsonObject(c));
    const db = createDb(c.env.DIRECTORY);
    const row = await carrierRow(db, c.req.param("slug"));
    const own = settingsKey[row.kind];
    const foreign = Object.values(settingsKey).filter((key) => key !== own && input[key] !== undefined);
    if (foreign.length > 0) {
      throw new ApiError("1110", {
        details: foreign.map((key) => ({
          field: key,
          message: `Not for a carrier of kind ${row.kind}: its settings are in ${own}`,
          code: "INVALID_FIELD_FORMAT",
        })),
      });
    }
    const patch: Partial<typeof carriers.$inferInsert> = {};
    if (input.enabled !== undefined) patch.enabled = input.enabled;
    const given = input[own];
    if (given !== undefined) {
      const { password, ...fields } = given;
      if (Object.keys(fields).length > 0) patch.settings = mergedSettings(row, fields);
      if (password !== undefined)
        patch.passwordEnc = await sealSecret(configOf(c.env).credentialsKey, password);
    }
    if (Object.keys(patch).length === 0) {
      return c.json({ status_code: 200, success: true, data: carrierView(row) });
    }
    // Only over the row this merge was computed from: two PATCHes at once cannot undo each other.
    patch.updatedAt = Math.max(Date.now(), row.updatedAt + 1);
    const updated = await db
      .update(carriers)
      .set(patch)
      .where(and(eq(carriers.slug, row.slug), eq(carriers.updatedAt, row.updatedAt)))
      .returning()
      .get();
    if (!updated) {
      throw new ApiError("1204", {
        message: "The carrier changed while this update was applied: read it again and resend",
      });
    }
    forgetCarriers();
    log.info("carrier.updated", {
      carrier: updated.slug,
      enabled: updated.enabled,
      changed: [
        ...Object.keys(patch).filter((k) => k !== "updatedAt" && k !== "passwordEnc" && k !== "settings"),
        ...Object.keys(given ?? {}).map((k) => `${own}.${k}`),
      ],
    });
    return c.json({ status_code: 200, success: true, data: carrierView(updated) });
  });
