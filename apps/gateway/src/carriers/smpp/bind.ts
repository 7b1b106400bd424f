import { DurableObject } from "cloudflare:workers";
import { createPdu, describeStatus, type Pdu } from "@lisoloo/smpp";
import { configOf } from "../../config/config";
import { openSecret } from "../../crypto/secret-box";
import type { WorkerEnv } from "../../env";
import { countD1Queries } from "../../observability/d1-queries";
import { log } from "../../observability/logger";
import { shardEnv } from "../../shards/shard-env";
import { configuredCarrier } from "../registry";
import type { CarrierConfig } from "../settings";
import type { CarrierReceipt } from "../types";
import { IdShards, receiptGroups } from "./id-shards";
import { IdWriter } from "./id-writer";
import { answerRequest } from "./inbound";
import { Link, type LinkHandlers } from "./link";
import { MinuteCounter } from "./minute-counter";
import { ReceiptForwarder } from "./receipts";
import { SubmitWindow } from "./submit-window";
import type { BindReport, PartOutcome, PartRequest } from "./types";

/** CONTRACT §12: `enquire_link` every 30 s; reconnects 1 s, doubling to 60 s. */
export const ENQUIRE_LINK_EVERY_MS = 30_000;
const FIRST_RECONNECT_MS = 1_000;
const MAX_RECONNECT_MS = 60_000;
const CONNECT_TIMEOUT_MS = 10_000;
const CALL_TIMEOUT_MS = 10_000;
/** A disabled carrier's bind waits this long for the answers it is owed before it unbinds. */
const DRAIN_MS = 5_000;

type SmppConfig = Extract<CarrierConfig, { kind: "smpp" }>;

class BindRefused extends Error {}

/** Whether the bind would connect elsewhere or as another account; the password is compared apart. */
function settingsChanged(bound: SmppConfig, now: SmppConfig): boolean {
  const a = bound.settings;
  const b = now.settings;
  return (
    a.host !== b.host ||
    a.port !== b.port ||
    a.tls !== b.tls ||
    a.system_id !== b.system_id ||
    a.system_type !== b.system_type
  );
}

async function sha256Hex(text: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)));
  return Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * One SMPP 3.4 bind of a carrier (CONTRACT §12), addressed as `idFromName("slug#n")`: a
 * `bind_transceiver` over one `connect()` socket, kept bound by its alarm (`enquire_link` every 30 s;
 * after a deploy or an eviction the object comes back without its socket, and the alarm binds again;
 * a lost or refused bind is tried again 1 s later, doubling to 60 s). `submit` sends parts through its
 * `SubmitWindow`, which stores each taken part's id in D1 as its `submit_sm_resp` arrives; delivery
 * receipts go to the receipt path and are acknowledged once queued.
 *
 * State: `connecting` (not bound yet, or binding again after a drop), `bound`, `failed` (the last
 * bind was refused or could not connect, or the carrier is disabled).
 */
export class SmppBind extends DurableObject<WorkerEnv> {
  private link: Link | null = null;
  /** The carrier row the link was bound with. */
  private boundWith: SmppConfig | null = null;
  /** SHA-256 of the password the link was bound with (not the password itself: it is only compared). */
  private boundPasswordDigest: string | null = null;
  private status: BindReport["state"] = "connecting";
  private error: string | null = null;
  private lastErrorAt: number | null = null;
  private tried = false;
  private binding: Promise<void> | null = null;
  private reconnectDelay = 0;
  private reconnectAt = 0;
  private running: Promise<void> | null = null;
  private readonly submitted = new MinuteCounter();
  private readonly received = new MinuteCounter();
  private counters = { resubmissions: 0, orphans: 0 };
  /** `slug#n`, for a runtime whose `ctx.id` does not carry its name: kept from the first call. */
  private name: string | null = null;
  /** One writer per shard: each part's id goes to the shard that holds its delivery. */
  private readonly ids = new Map<string, IdWriter>();
  private forwarder: ReceiptForwarder | null = null;
  /** The shard of each part id this bind submitted, so its receipts go straight to that shard. */
  private readonly idShards = new IdShards();
  private readonly window = new SubmitWindow({
    resubmitting: (part, why) => this.resubmitting(part, why),
    store: (part, id) => {
      let writer = this.ids.get(part.shard);
      if (!writer) {
        writer = new IdWriter(shardEnv(this.env, part.shard).DB, this.who()?.carrier ?? "");
        this.ids.set(part.shard, writer);
      }
      this.idShards.remember(id, part.shard);
      return writer.add({ deliveryId: part.deliveryId, index: part.index, total: part.total, id });
    },
    format: () => this.boundWith?.settings.receipt_id_format ?? "same",
    note: (event, fields) => log.warn(event, { ...this.logFields(), ...fields }),
  });
  private readonly handlers: LinkHandlers = {
    request: (pdu, link) =>
      answerRequest(pdu, link, {
        forwarder: this.forwarder,
        format: this.boundWith?.settings.receipt_id_format ?? "same",
        received: () => this.received.add(),
        orphan: () => this.noteOrphans(1),
        fields: this.logFields(),
      }),
    response: (pdu, link) => this.answered(pdu, link),
    closed: (reason, link) => this.lost(reason, link),
  };

  constructor(ctx: DurableObjectState, env: WorkerEnv) {
    super(ctx, countD1Queries(env));
    void ctx.blockConcurrencyWhile(async () => {
      this.counters = (await ctx.storage.get<typeof this.counters>("counters")) ?? this.counters;
      this.name = (await ctx.storage.get<string>("name")) ?? null;
    });
  }

  /**
   * Sends these parts and answers per part (in order) once each is settled: `accepted` when the
   * SMSC took it and its id is in D1; `permanent` for a refusal (its SMPP status); `transient` for
   * whatever is not taken yet when the call's time is up — throttled, queue full, no bind, no
   * answer. Transient statuses are tried again inside the bind (with back-off) while time remains.
   */
  async submit(parts: PartRequest[], deadlineMs: number, name?: string): Promise<PartOutcome[]> {
    await this.remember(name);
    const config = await this.carrier();
    if (!config?.enabled) {
      await this.unbind("Carrier disabled");
      return parts.map(() => ({ kind: "transient", reason: "Carrier disabled" }));
    }
    await this.keepAlive();
    const outcomes = this.window.add(parts, Date.now() + deadlineMs);
    this.drive();
    return Promise.all(outcomes);
  }

  /** The bind as operators see it. Reads memory only, so it answers at once whatever the link does. */
  state(name?: string): BindReport {
    void this.remember(name);
    const now = Date.now();
    return {
      state: this.status,
      error: this.tried ? this.error : "Not bound: it binds with the carrier's next send, and stays bound",
      window_in_use: this.window.inUse,
      submits_last_minute: this.submitted.total(now),
      receipts_last_minute: this.received.total(now),
      resubmissions: this.counters.resubmissions,
      orphans: this.counters.orphans,
      last_error_at: this.lastErrorAt === null ? null : new Date(this.lastErrorAt).toISOString(),
    };
  }

  /** The receipt path gave up on `count` receipts this bind received: no delivery claimed them. */
  noteOrphans(count: number): void {
    this.counters.orphans += count;
    void this.ctx.storage.put("counters", this.counters);
  }

  override async alarm(): Promise<void> {
    const who = this.who();
    if (who === null) return;
    let config: SmppConfig | null;
    try {
      config = await this.carrier();
    } catch (error) {
      log.error("smpp.config_unreadable", { carrier: who.carrier, bind: who.bind, error });
      await this.ctx.storage.setAlarm(Date.now() + FIRST_RECONNECT_MS);
      return;
    }
    if (!config?.enabled) {
      // No alarm after this one: the carrier's next send (once enabled) binds again.
      await this.unbind("Carrier disabled");
      return;
    }
    if (this.link !== null && (await this.connectionChanged(config))) {
      await this.unbind("Settings changed: binding again");
      this.reconnectAt = 0;
    }
    if (this.link === null) {
      if (this.binding === null && Date.now() >= this.reconnectAt) this.startBinding();
      if (this.binding !== null) await this.binding;
    } else {
      // No answer within the timeout closes the link (`lost`), which binds again.
      await this.link.call(createPdu("enquire_link"), CALL_TIMEOUT_MS).catch(() => undefined);
    }
    const next =
      this.link !== null
        ? Date.now() + ENQUIRE_LINK_EVERY_MS
        : Math.max(this.reconnectAt, Date.now() + FIRST_RECONNECT_MS);
    await this.ctx.storage.setAlarm(next);
    if (this.window.hasWork()) this.drive();
  }

  /** Keeps the caller's name for this bind, so its alarm knows which carrier it serves. */
  private async remember(name: string | undefined): Promise<void> {
    if (name === undefined || name === this.name || (this.ctx.id.name ?? name) !== name) return;
    this.name = name;
    await this.ctx.storage.put("name", name);
  }

  private who(): { carrier: string; bind: number; name: string } | null {
    const name = this.ctx.id.name ?? this.name ?? undefined;
    const match = name === undefined ? null : /^(.+)#(\d+)$/.exec(name);
    return match ? { carrier: match[1] as string, bind: Number(match[2]), name: name as string } : null;
  }

  /**
   * Whether `config` binds differently from the live link. A new ciphertext is not always a new
   * password: the re-seal after a `CREDENTIALS_KEY` rotation seals the same password afresh (a new
   * IV), and binding again for that would drop the window for nothing; so a changed ciphertext is
   * opened and compared with what the link was bound with.
   */
  private async connectionChanged(config: SmppConfig): Promise<boolean> {
    const bound = this.boundWith;
    if (bound === null) return false;
    if (settingsChanged(bound, config)) return true;
    if (bound.passwordEnc === config.passwordEnc) return false;
    const password = await this.passwordOf(config).catch(() => null);
    if (password === null || (await sha256Hex(password)) !== this.boundPasswordDigest) return true;
    // The same password: keep the new row, so the next alarm does not open it again.
    if (this.boundWith === bound) this.boundWith = config;
    return false;
  }

  /** The bind password, opened under the current `CREDENTIALS_KEY` or the previous one. */
  private passwordOf(config: SmppConfig): Promise<string> {
    return config.passwordEnc === null
      ? Promise.resolve("")
      : openSecret(configOf(this.env).credentialKeys, config.passwordEnc);
  }

  private async carrier(): Promise<SmppConfig | null> {
    const who = this.who();
    if (who === null) return null;
    const config = await configuredCarrier(this.env, who.carrier);
    return config?.kind === "smpp" ? config : null;
  }

  private logFields() {
    const who = this.who();
    return { carrier: who?.carrier, bind: who?.bind };
  }

  /** A bind that has sent once keeps an alarm, so it stays bound (and binds again after an eviction). */
  private async keepAlive(): Promise<void> {
    if ((await this.ctx.storage.getAlarm()) === null)
      await this.ctx.storage.setAlarm(Date.now() + ENQUIRE_LINK_EVERY_MS);
  }

  private async alarmBy(at: number): Promise<void> {
    const current = await this.ctx.storage.getAlarm();
    if (current === null || current > at) await this.ctx.storage.setAlarm(at);
  }

  private noteError(error: string): void {
    this.error = error;
    this.lastErrorAt = Date.now();
  }

  private scheduleReconnect(): void {
    this.reconnectDelay =
      this.reconnectDelay === 0 ? FIRST_RECONNECT_MS : Math.min(this.reconnectDelay * 2, MAX_RECONNECT_MS);
    this.reconnectAt = Date.now() + this.reconnectDelay;
    void this.alarmBy(this.reconnectAt);
  }

  private startBinding(): void {
    this.binding ??= this.connectAndBind().finally(() => {
      this.binding = null;
      this.window.wakeup.ring();
    });
  }

  private async connectAndBind(): Promise<void> {
    this.tried = true;
    const config = await this.carrier().catch(() => null);
    if (!config?.enabled) {
      this.status = "failed";
      this.noteError(config ? "Carrier disabled" : "Carrier settings unreadable");
      return;
    }
    this.status = "connecting";
    const { settings } = config;
    let link: Link | null = null;
    try {
      const password = await this.passwordOf(config);
      const passwordDigest = await sha256Hex(password);
      link = await Link.open(
        { host: settings.host, port: settings.port, tls: settings.tls },
        this.handlers,
        CONNECT_TIMEOUT_MS,
      );
      const answer = await link.call(
        createPdu("bind_transceiver", {
          system_id: settings.system_id,
          password,
          system_type: settings.system_type,
          addr_ton: 0,
          addr_npi: 0,
        }),
        CALL_TIMEOUT_MS,
      );
      if (answer.command_status !== 0) throw new BindRefused(describeStatus(answer.command_status));
      this.link = link;
      this.boundWith = config;
      this.boundPasswordDigest = passwordDigest;
      this.status = "bound";
      this.error = null;
      this.reconnectDelay = 0;
      this.forwarder ??= this.forwarderFor(config.slug);
      log.info("smpp.bound", {
        ...this.logFields(),
        host: settings.host,
        port: settings.port,
        tls: settings.tls,
      });
      await this.alarmBy(Date.now() + ENQUIRE_LINK_EVERY_MS);
    } catch (error) {
      link?.close("bind failed");
      this.status = "failed";
      const why =
        error instanceof BindRefused
          ? `Bind refused: ${error.message}`
          : `Cannot bind to ${settings.host}:${settings.port}: ${error instanceof Error ? error.message : String(error)}`;
      this.noteError(why);
      log.warn("smpp.bind_failed", { ...this.logFields(), error: why });
      this.scheduleReconnect();
    }
  }

  private forwarderFor(carrier: string): ReceiptForwarder {
    const source = this.who()?.name;
    return new ReceiptForwarder(async (receipts: CarrierReceipt[]) => {
      // One message per shard the ids name; the ids this bind does not know go without one. The
      // receipt queue, not the send queue: a backlog of dispatch chunks never holds them up.
      await this.env.RECEIPT_QUEUE.sendBatch(
        receiptGroups(receipts, this.idShards).map((group) => ({
          body: { type: "receipts", carrier, ...group, source },
          contentType: "json" as const,
        })),
      );
    });
  }

  /**
   * Unbinds on purpose (a disabled carrier, changed settings): no new part goes out, the answers
   * already owed are awaited for a moment, then `unbind` and the socket closes. Nothing is resubmitted.
   */
  private async unbind(reason: string): Promise<void> {
    this.status = "failed";
    this.noteError(reason);
    const link = this.link;
    if (link === null) return;
    const reconnectAt = this.reconnectAt;
    this.reconnectAt = Number.POSITIVE_INFINITY;
    for (const started = Date.now(); this.window.inUse > 0 && Date.now() - started < DRAIN_MS; )
      await sleep(50);
    this.link = null;
    this.boundWith = null;
    this.boundPasswordDigest = null;
    this.window.abandon(reason);
    await link.call(createPdu("unbind"), CALL_TIMEOUT_MS).catch(() => undefined);
    link.close(reason);
    this.reconnectAt = reconnectAt;
    log.info("smpp.unbound", { ...this.logFields(), reason });
  }

  /** The link dropped: parts written and not answered are sent again after the re-bind (CONTRACT §12). */
  private lost(reason: string, link: Link): void {
    if (link !== this.link) return;
    this.link = null;
    this.boundWith = null;
    this.boundPasswordDigest = null;
    this.status = "connecting";
    this.noteError(`Connection lost: ${reason}`);
    const unanswered = this.window.lost(reason);
    log.warn("smpp.bind_lost", { ...this.logFields(), reason, unanswered });
    this.scheduleReconnect();
  }

  /** A part whose outcome is unknown goes out again: a rare duplicate SMS rather than a lost one. */
  private resubmitting(part: PartRequest, why: string): void {
    this.counters.resubmissions++;
    void this.ctx.storage.put("counters", this.counters);
    log.warn("smpp.resubmit", {
      ...this.logFields(),
      delivery_id: part.deliveryId,
      part: part.index,
      parts: part.total,
      reason: why,
    });
  }

  private drive(): void {
    this.running ??= this.run()
      .catch((error: unknown) => {
        log.error("smpp.run_failed", { ...this.logFields(), error });
        this.window.failQueued("Bind error");
      })
      .finally(() => {
        this.running = null;
        if (this.window.hasWork()) this.drive();
      });
  }

  /** Sends while parts wait: binds (or waits for a re-bind) when there is no link, else fills the window. */
  private async run(): Promise<void> {
    for (;;) {
      const now = Date.now();
      this.window.expire(now);
      if (!this.window.hasWork()) return;
      const link = this.status === "bound" ? this.link : null;
      if (link === null) {
        if (this.binding === null && now >= this.reconnectAt) this.startBinding();
        if (this.binding !== null) {
          await this.binding;
          if (this.status !== "bound") this.window.failQueued(this.error ?? "Not bound");
          continue;
        }
        // A refused bind is not waited for: the pipeline tries again later. A lost one is, briefly.
        if (this.status === "failed") {
          this.window.failQueued(this.error ?? "Not bound");
          continue;
        }
        const until = Math.min(this.reconnectAt, this.window.earliestDeadline());
        await this.window.wakeup.wait(Math.max(0, until - now));
        continue;
      }
      const settings = (this.boundWith as SmppConfig).settings;
      this.submitted.add(this.window.sendReady(link, settings, now), now);
      await this.window.wakeup.wait(this.window.nextWake(now, settings.window));
    }
  }

  private answered(pdu: Pdu, link: Link): void {
    if (link !== this.link) return;
    if (pdu.command === "submit_sm_resp" || pdu.command === "generic_nack") this.window.answered(pdu);
    else log.warn("smpp.unexpected_response", { ...this.logFields(), command: pdu.command });
  }
}
