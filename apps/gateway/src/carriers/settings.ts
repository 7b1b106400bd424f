import { z } from "zod";
import type { CarrierKind } from "../db/schema";
import { log } from "../observability/logger";

/**
 * Each kind's settings as operators write them (CONTRACT §12), checked field by field so a bad one
 * is refused when it is written rather than found when a bind fails at 3 a.m. Stored as validated,
 * in the same snake_case shape, without the password (stored sealed on its own).
 */

/** How an SMSC's receipt ids relate to its `submit_sm_resp` ids (a common quirk: hex in one, decimal in the other). */
export const receiptIdFormats = ["same", "submit_hex_receipt_decimal", "submit_decimal_receipt_hex"] as const;
export type ReceiptIdFormat = (typeof receiptIdFormats)[number];

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const HOST_LABEL = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;

function isIpv6(text: string): boolean {
  if (!/^[0-9A-Fa-f:.]+$/.test(text)) return false;
  try {
    new URL(`http://[${text}]/`);
    return true;
  } catch {
    return false;
  }
}

/**
 * Why `host` is not a host name or IP literal `connect()` can be given, or null. Scheme, port and
 * path each get their own answer, since they are the usual slips (a URL pasted whole).
 * @example hostProblem("smsc.example.net:2775") // "No port here: give it as port"
 */
export function hostProblem(host: string): string | null {
  if (host === "") return "Must not be empty";
  if (/^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(host)) return "No scheme: the host name or IP address alone";
  if (host.includes("/")) return "No path: the host name or IP address alone";
  if (/^[^:]+:\d*$/.test(host) || /^\[.*\]:\d*$/.test(host)) return "No port here: give it as port";
  if (/^\[.*\]$/.test(host)) return "An IPv6 address without its brackets (2001:db8::1)";
  if (host.includes(":")) return isIpv6(host) ? null : "Not a valid IPv6 address";
  if (/^[\d.]+$/.test(host)) return IPV4.test(host) ? null : "Not a valid IPv4 address";
  if (host.length > 253) return "A host name is at most 253 characters";
  const labels = host.split(".");
  if (!labels.every((label) => HOST_LABEL.test(label)))
    return "A host name is dot-separated labels of letters, digits and inner dashes (smsc.example.net)";
  if (/^\d+$/.test(labels[labels.length - 1] as string)) return "A host name cannot end in a numeric label";
  return null;
}

const hostSchema = z.string().superRefine((host, ctx) => {
  const problem = hostProblem(host);
  if (problem) ctx.addIssue({ code: "custom", message: problem });
});

/**
 * An SMPP 3.4 C-Octet String field: ASCII ended by a NUL, its maximum length counting the NUL. So
 * `octets` 9 (password) holds at most 8 characters, and non-ASCII would not fit the count at all.
 */
function cOctetString(octets: number, min: number) {
  const most = octets - 1;
  return z
    .string()
    .regex(/^[\x20-\x7e]*$/, "Printable ASCII only (an SMPP C-Octet String)")
    .min(min, "Must not be empty")
    .max(most, `At most ${most} characters (SMPP 3.4: ${octets} octets with the closing NUL)`);
}

/** The SMPP bind password: `bind_transceiver`'s `password`, a C-Octet String of at most 9 octets. */
export const smppPasswordSchema = cOctetString(9, 1);

const smppFields = z.strictObject({
  host: hostSchema,
  port: z.int().min(1).max(65_535),
  tls: z.boolean(),
  system_id: cOctetString(16, 1),
  system_type: cOctetString(13, 0),
  binds: z.int().min(1).max(10),
  window: z.int().min(1).max(100),
  /** Submits per second per bind; null: as fast as the window allows. */
  throughput: z.number().positive().max(100_000).nullable(),
  receipt_id_format: z.enum(receiptIdFormats),
});

/** An SMPP carrier's settings, with the contract's defaults; the password is not one of them. */
export const smppSettingsSchema = smppFields.extend({
  tls: smppFields.shape.tls.default(false),
  system_type: smppFields.shape.system_type.default(""),
  binds: smppFields.shape.binds.default(1),
  window: smppFields.shape.window.default(10),
  throughput: smppFields.shape.throughput.default(null),
  receipt_id_format: smppFields.shape.receipt_id_format.default("same"),
});
export type SmppSettings = z.output<typeof smppSettingsSchema>;

/** Any subset of the SMPP settings, for a partial update: no defaults, so nothing unasked changes. */
export const smppSettingsPatchSchema = smppFields.partial();

function isHttpUrl(text: string): string | null {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return "Not a URL (http://relay.example.net:13013/cgi-bin/sendsms)";
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return "Must be an http or https URL";
  if (url.username || url.password) return "No credentials in the URL: give them as username and password";
  if (url.hash) return "No fragment (#…) in the URL";
  return null;
}

const relayFields = z.strictObject({
  sendsms_url: z
    .string()
    .max(2048)
    .superRefine((text, ctx) => {
      const problem = isHttpUrl(text);
      if (problem) ctx.addIssue({ code: "custom", message: problem });
    }),
  username: z.string().min(1).max(200),
  /** Kannel's `smsc` parameter: which of the relay's SMSC connections to use; null lets it route. */
  smsc: z.string().min(1).max(64).nullable(),
  timeout_ms: z.int().min(1000).max(60_000),
  concurrency: z.int().min(1).max(100),
  /**
   * Extension: the dlr-url carries `username` and `password` as its userinfo, Kannel sends them back
   * as `Authorization: Basic …`, and the receipt endpoint requires them besides the signature.
   */
  receipt_basic_auth: z.boolean(),
});

/** The relay's `sendsms` password (Kannel's `sendsms-user` password). */
export const relayPasswordSchema = z.string().min(1).max(200);

/** An HTTP relay carrier's settings, with the contract's defaults; the password is not one of them. */
export const httpRelaySettingsSchema = relayFields.extend({
  smsc: relayFields.shape.smsc.default(null),
  timeout_ms: relayFields.shape.timeout_ms.default(10_000),
  concurrency: relayFields.shape.concurrency.default(10),
  receipt_basic_auth: relayFields.shape.receipt_basic_auth.default(false),
});
export type HttpRelaySettings = z.output<typeof httpRelaySettingsSchema>;

export const httpRelaySettingsPatchSchema = relayFields.partial();

/** One configured carrier as a connector is given it; the password stays sealed until a connector opens it. */
export type CarrierConfig = {
  slug: string;
  enabled: boolean;
  passwordEnc: string | null;
  updatedAt: number;
} & ({ kind: "smpp"; settings: SmppSettings } | { kind: "http_relay"; settings: HttpRelaySettings });

const settingsSchemas = {
  smpp: smppSettingsSchema,
  http_relay: httpRelaySettingsSchema,
} satisfies Record<CarrierKind, z.ZodType>;

export type CarrierRow = {
  slug: string;
  kind: CarrierKind;
  enabled: boolean | number;
  settings: unknown;
  password_enc: string | null;
  updated_at: number;
};

/**
 * A carrier row as connectors see it, its stored settings checked again (a row edited by hand could
 * hold anything); null, and logged, when they do not pass: such a carrier takes no sends (1501).
 */
export function carrierConfigOf(row: CarrierRow): CarrierConfig | null {
  const stored = typeof row.settings === "string" ? safeJson(row.settings) : row.settings;
  const parsed = settingsSchemas[row.kind]?.safeParse(stored);
  if (!parsed?.success) {
    log.error("carrier.settings_invalid", {
      carrier: row.slug,
      kind: row.kind,
      findings: parsed?.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`) ?? ["unknown kind"],
    });
    return null;
  }
  return {
    slug: row.slug,
    kind: row.kind,
    settings: parsed.data,
    enabled: Boolean(row.enabled),
    passwordEnc: row.password_enc,
    updatedAt: row.updated_at,
  } as CarrierConfig;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
