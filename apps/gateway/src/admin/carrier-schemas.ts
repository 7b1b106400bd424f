import { z } from "zod";
import { carrierSlugSchema, reservedSlugs, routePrefixSchema } from "../carriers/routing";
import {
  httpRelaySettingsPatchSchema,
  httpRelaySettingsSchema,
  relayPasswordSchema,
  smppPasswordSchema,
  smppSettingsPatchSchema,
  smppSettingsSchema,
} from "../carriers/settings";
import { type CarrierKind, carrierKinds } from "../db/schema";

/** Routes one `PUT /admin/v1/routes` may hold: far more than any country's prefixes, and one bounded write. */
export const MAX_ROUTES = 1000;

/** The settings object of each kind, by the name it has in a request body. */
export const settingsKey = { smpp: "smpp", http_relay: "http_relay" } as const satisfies Record<
  CarrierKind,
  string
>;

const newSlugSchema = carrierSlugSchema.refine(
  (slug) => !reservedSlugs.includes(slug),
  `Reserved: ${reservedSlugs.join(" and ")} are names the gateway uses itself`,
);

const unchangeable = (what: string) =>
  z
    .unknown()
    .optional()
    .refine((value) => value === undefined, `A carrier's ${what} cannot change: create another carrier`);

/** `POST /admin/v1/carriers`: the slug, the kind, and that kind's settings with its password. */
export const createCarrierSchema = z
  .strictObject({
    slug: newSlugSchema,
    // A string first, so a missing kind reads as missing (1109) rather than as a wrong value.
    kind: z.string().pipe(z.enum(carrierKinds, { error: `Must be ${carrierKinds.join(" or ")}` })),
    enabled: z.boolean().default(true),
    smpp: smppSettingsSchema.extend({ password: smppPasswordSchema }).optional(),
    http_relay: httpRelaySettingsSchema.extend({ password: relayPasswordSchema }).optional(),
  })
  .superRefine(
    (body, ctx) => {
      if (body.kind !== "smpp" && body.kind !== "http_relay") return;
      for (const kind of carrierKinds) {
        const key = settingsKey[kind];
        if (kind === body.kind && body[key] === undefined) {
          ctx.addIssue({ code: "invalid_type", expected: "object", input: undefined, path: [key] });
        } else if (kind !== body.kind && body[key] !== undefined) {
          ctx.addIssue({ code: "custom", path: [key], message: `Not for a carrier of kind ${body.kind}` });
        }
      }
    },
    // Also when another field is wrong, so one answer names every problem.
    { when: () => true },
  );

export type CreateCarrier = z.output<typeof createCarrierSchema>;

/**
 * `PATCH /admin/v1/carriers/{slug}`: any subset. A settings object is merged into what is stored;
 * the password is replaced only when given. Which settings object fits is checked against the stored
 * kind by the handler.
 */
export const updateCarrierSchema = z.strictObject({
  enabled: z.boolean().optional(),
  smpp: smppSettingsPatchSchema.extend({ password: smppPasswordSchema.optional() }).optional(),
  http_relay: httpRelaySettingsPatchSchema.extend({ password: relayPasswordSchema.optional() }).optional(),
  slug: unchangeable("slug"),
  kind: unchangeable("kind"),
});

export type UpdateCarrier = z.output<typeof updateCarrierSchema>;

/** `PUT /admin/v1/routes`: the whole table; `default_route` null leaves numbers no prefix covers unrouted (1501). */
export const putRoutesSchema = z.strictObject({
  routes: z
    .record(routePrefixSchema, carrierSlugSchema)
    .refine((routes) => Object.keys(routes).length <= MAX_ROUTES, `At most ${MAX_ROUTES} routes`),
  default_route: carrierSlugSchema.nullable(),
});

export type PutRoutes = z.output<typeof putRoutesSchema>;
