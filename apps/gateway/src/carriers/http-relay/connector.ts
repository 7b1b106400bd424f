import { configOf } from "../../config/config";
import { openSecret } from "../../crypto/secret-box";
import type { ShardEnv, WorkerEnv } from "../../env";
import { log } from "../../observability/logger";
import type { Carrier, ReceiptSink, Submission, SubmitResult } from "../carrier";
import type { CarrierConfig } from "../settings";
import { receiptSignature } from "./signature";

type RelayConfig = Extract<CarrierConfig, { kind: "http_relay" }>;

/** The carrier message id a relay delivery is recorded under: Kannel's sendsms answers with none. */
export const relayMessageId = (deliveryId: number) => `relay:${deliveryId}`;

/** The user name and password a relay sends back on its receipts (`receipt_basic_auth`). */
export type ReceiptCredentials = { username: string; password: string };

/**
 * The dlr-url of one delivery: the gateway's receipt endpoint, naming the delivery and part (0: the
 * whole message, as Kannel reports it) with their signature, then Kannel's escapes, which it fills
 * in per report: `%d` the report type, `%A` the SMSC's reply (the receipt text with its `stat:`
 * word, or `NACK/0x…` for a refusal), `%T` the report's Unix time. With `credentials`, they go in
 * as the URL's userinfo, percent-encoded (`https://user:pass@host/…`), and Kannel sends them back as
 * `Authorization: Basic …`.
 */
export async function dlrUrl(
  base: string,
  material: string,
  slug: string,
  shard: string,
  deliveryId: number,
  credentials?: ReceiptCredentials,
): Promise<string> {
  const sig = await receiptSignature(material, slug, shard, deliveryId, 0);
  const origin =
    credentials === undefined
      ? base
      : base.replace(
          /^([A-Za-z][A-Za-z0-9+.-]*:\/\/)/,
          `$1${encodeURIComponent(credentials.username)}:${encodeURIComponent(credentials.password)}@`,
        );
  return `${origin}/carriers/${encodeURIComponent(slug)}/receipts?s=${shard}&d=${deliveryId}&p=0&sig=${sig}&type=%d&reply=%A&at=%T`;
}

/**
 * `text` with every form the password takes in a sendsms request replaced: as given, in the query,
 * and percent-encoded in the dlr-url's userinfo (itself in the query), so no error quotes it.
 */
export function redactPassword(text: string, password: string): string {
  const query = (value: string) => new URLSearchParams({ v: value }).toString().slice(2);
  const forms = [
    password,
    query(password),
    encodeURIComponent(password),
    query(encodeURIComponent(password)),
  ];
  let redacted = text;
  for (const form of [...new Set(forms)].sort((a, b) => b.length - a.length))
    redacted = redacted.replaceAll(form, "[redacted]");
  return redacted;
}

/** What one sendsms answer means for its delivery (Kannel answers `0: Accepted for delivery`, 202). */
export function sendsmsOutcome(deliveryId: number, status: number, body: string): SubmitResult {
  const answer = `HTTP ${status}: ${body.trim().slice(0, 160)}`;
  if (status >= 200 && status < 300) {
    // A numbered answer other than 0 (accepted) or 3 (queued for later delivery) is a refusal.
    const code = /^\s*(\d+):/.exec(body)?.[1];
    if (code === undefined || code === "0" || code === "3")
      return { deliveryId, kind: "accepted", carrierMessageId: relayMessageId(deliveryId) };
    return { deliveryId, kind: "failed", reason: `Relay refused: ${answer}` };
  }
  // 408 and 429 say "later", like a 5xx; any other 4xx is about the request itself.
  if (status >= 400 && status < 500 && status !== 408 && status !== 429)
    return { deliveryId, kind: "failed", reason: `Relay refused: ${answer}` };
  return { deliveryId, kind: "transient", reason: `Relay unavailable: ${answer}` };
}

/**
 * The HTTP relay connector of one carrier (CONTRACT §12): one Kannel `sendsms` GET per delivery,
 * at most `concurrency` in flight per isolate, each within `timeout_ms`.
 *
 * Kannel cuts the segments, not the gateway: the whole text goes in one request, and Kannel sends it
 * as one SMS or as concatenated parts with its own UDH. One request per delivery means one answer
 * per delivery, so a delivery is either taken whole or not at all (no part is ever submitted twice
 * after a transient failure, and there is no part bookkeeping to keep across attempts); and one
 * dlr-url per delivery, since sendsms returns no message id to look receipts up by. Kannel 1.4.5
 * reports a concatenated message as one (observed against the SMSC simulator: one type 8 for the
 * acceptance, one type 1 or 2 for the final receipt, or one type 16 if a part was refused), so each
 * report is a receipt of the whole delivery (part 0); should a relay report per part anyway, the
 * lifecycle applies them forward only, and the first final report decides.
 *
 * Outcomes: a 2xx answer is `accepted` (recorded as `relay:<delivery id>`, so the delivery counts as
 * handed to the carrier); a 4xx or a refusal text is `failed` (1501, refunded) with the answer as its
 * `error_message`; an unreachable relay, a 5xx or a timeout is `transient`, and only those deliveries
 * are submitted again. A timeout may come after Kannel queued the message: sent again, it is a rare
 * duplicate SMS rather than a lost one (CONTRACT §12's decision for an unknown SMPP outcome).
 */
export class HttpRelayCarrier implements Carrier {
  readonly slug: string;
  private inFlight = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(
    private readonly env: WorkerEnv,
    private readonly config: RelayConfig,
  ) {
    this.slug = config.slug;
  }

  async submit(batch: Submission[], _receipts: ReceiptSink, shard: ShardEnv): Promise<SubmitResult[]> {
    const { credentialsKey, credentialKeys, publicBaseUrl } = configOf(this.env);
    if (publicBaseUrl === null) {
      log.error("relay.no_public_base_url", { carrier: this.slug, deliveries: batch.length });
      return batch.map((s) => ({
        deliveryId: s.deliveryId,
        kind: "failed",
        reason: "PUBLIC_BASE_URL is not set: the relay could not send receipts back",
      }));
    }
    if (this.config.passwordEnc === null)
      return batch.map((s) => ({
        deliveryId: s.deliveryId,
        kind: "failed",
        reason: "No sendsms password set",
      }));
    // A sealed password that does not open (another CREDENTIALS_KEY) throws: the queue retries.
    const password = await openSecret(credentialKeys, this.config.passwordEnc);
    // dlr-urls are signed under the current key only; the receipt endpoint also accepts the previous one.
    return Promise.all(
      batch.map((s) => this.inSlot(() => this.send(s, shard.SHARD, password, credentialsKey, publicBaseUrl))),
    );
  }

  /**
   * Runs `work` once fewer than `concurrency` requests of this connector are in flight. The
   * connector is made once per isolate (`connectorOf`), so the cap holds across the chunks the
   * consumer hands over at once, not just within one.
   */
  private async inSlot<T>(work: () => Promise<T>): Promise<T> {
    if (this.inFlight < this.config.settings.concurrency) this.inFlight++;
    // Woken by a request that ended, which hands its slot over as it is.
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    try {
      return await work();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.inFlight--;
    }
  }

  private async send(
    s: Submission,
    shard: string,
    password: string,
    material: string,
    base: string,
  ): Promise<SubmitResult> {
    const { settings } = this.config;
    const url = new URL(settings.sendsms_url);
    const query = url.searchParams;
    query.set("username", settings.username);
    query.set("password", password);
    query.set("from", s.senderId);
    query.set("to", s.phone);
    query.set("text", s.segments.join(""));
    // UCS-2 as UTF-8 text Kannel converts (coding 2); GSM-7 text is UTF-8 too, which Kannel maps to the GSM alphabet.
    query.set("coding", s.encoding === "UCS-2" ? "2" : "0");
    query.set("charset", "UTF-8");
    if (settings.smsc !== null) query.set("smsc", settings.smsc);
    // Minutes, what is left of the delivery's validity.
    query.set("validity", String(Math.max(1, Math.ceil(s.validitySeconds / 60))));
    query.set("dlr-mask", "31");
    const credentials = settings.receipt_basic_auth ? { username: settings.username, password } : undefined;
    query.set("dlr-url", await dlrUrl(base, material, this.slug, shard, s.deliveryId, credentials));
    let result: SubmitResult;
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(settings.timeout_ms) });
      result = sendsmsOutcome(s.deliveryId, res.status, await res.text());
    } catch (error) {
      const timedOut =
        error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError");
      result = {
        deliveryId: s.deliveryId,
        kind: "transient",
        reason: timedOut
          ? `Relay unavailable: no answer within ${settings.timeout_ms} ms`
          : // The request URL holds the password (twice with receipt_basic_auth): never let an error quote it.
            `Relay unavailable: ${redactPassword(error instanceof Error ? error.message : String(error), password)}`,
      };
    }
    if (result.kind !== "accepted")
      log.warn(result.kind === "failed" ? "relay.refused" : "relay.transient", {
        carrier: this.slug,
        delivery_id: s.deliveryId,
        reason: result.reason,
      });
    return result;
  }
}

/** The `http_relay` entry of `connectors.ts`. */
export function httpRelayConnector(env: WorkerEnv, config: RelayConfig): Carrier {
  return new HttpRelayCarrier(env, config);
}
