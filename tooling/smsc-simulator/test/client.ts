// An ESME for the tests: the npm smpp package's client, with promises around binds and submits, and
// a log of what the SMSC sent, in arrival order.
import smpp, { type PDU, type Session } from "smpp";
import { afterEach } from "vitest";
import { type Smsc, type SmscOptions, startSmsc } from "../src/index.mjs";

export type Client = {
  session: Session;
  /** Everything the SMSC sent, in order: requests (deliver_sm) and responses. */
  received: PDU[];
  /** The deliver_sm received so far. */
  receipts: PDU[];
  /** Resolves when the connection is closed. */
  closed: Promise<void>;
  bind(mode?: "transceiver" | "transmitter" | "receiver", credentials?: Credentials): Promise<PDU>;
  /** Sends a submit_sm; the promise resolves with its submit_sm_resp (never, if it is not answered). */
  submit(fields: Record<string, unknown>): Promise<PDU>;
  enquireLink(): Promise<PDU>;
  unbind(): Promise<PDU>;
  close(): Promise<void>;
};

type Credentials = { system_id?: string; password?: string };

const started: Smsc[] = [];
const clients: Client[] = [];

/** A fresh SMSC for one test (closed after it, with every client), receipts 10 ms after the resp. */
export async function useSmsc(options: SmscOptions = {}): Promise<Smsc> {
  const smsc = await startSmsc({ receiptDelayMs: 10, ...options });
  started.push(smsc);
  return smsc;
}

afterEach(async () => {
  for (const client of clients.splice(0)) client.session.destroy();
  await Promise.all(started.splice(0).map((smsc) => smsc.close()));
});

/**
 * Connects to the SMSC. Receipts are acknowledged with deliver_sm_resp (status `ackStatus`) unless
 * `ack` is false.
 */
export async function connect(
  smsc: Smsc,
  options: { ack?: boolean; ackStatus?: number } = {},
): Promise<Client> {
  const session = smpp.connect({ url: smsc.url });
  await new Promise<void>((resolve, reject) => {
    session.once("connect", () => resolve());
    session.once("error", reject);
  });
  session.on("error", () => {}); // a dropped connection surfaces as close; the test asserts on that
  const received: PDU[] = [];
  const receipts: PDU[] = [];
  session.on("pdu", (pdu: PDU) => received.push(pdu));
  session.on("deliver_sm", (pdu: PDU) => {
    receipts.push(pdu);
    if (options.ack !== false) session.send(pdu.response({ command_status: options.ackStatus ?? 0 }));
  });
  const closed = new Promise<void>((resolve) => session.once("close", () => resolve()));
  /** Sends a request through one of the session's shortcut methods and resolves with its response. */
  const call = (send: (callback: (pdu: PDU) => void) => void) => new Promise<PDU>((resolve) => send(resolve));
  const client: Client = {
    session,
    received,
    receipts,
    closed,
    bind: (mode = "transceiver", credentials = {}) =>
      call((cb) => session[`bind_${mode}`]({ system_id: "lisoloo", password: "secret", ...credentials }, cb)),
    submit: (fields) =>
      call((cb) =>
        session.submit_sm(
          {
            source_addr_ton: 5,
            source_addr_npi: 0,
            source_addr: "Lisoloo",
            dest_addr_ton: 1,
            dest_addr_npi: 1,
            registered_delivery: 1,
            data_coding: 0,
            ...fields,
          },
          cb,
        ),
      ),
    enquireLink: () => call((cb) => session.enquire_link({}, cb)),
    unbind: () => call((cb) => session.unbind({}, cb)),
    close: async () => {
      session.destroy();
      await closed;
    },
  };
  clients.push(client);
  return client;
}

/** A client already bound as a transceiver. */
export async function bound(smsc: Smsc, options: { ack?: boolean; ackStatus?: number } = {}) {
  const client = await connect(smsc, options);
  const resp = await client.bind();
  if (resp.command_status !== 0) throw new Error(`bind failed: ${resp.command_status}`);
  return client;
}

/** UTF-16BE bytes. */
export function ucs2(text: string): Buffer {
  return Buffer.from(text, "utf16le").swap16();
}

/** Polls until `check` is truthy (deadline generous: this is about order, not speed). */
export async function until<T>(check: () => T | undefined | null | false, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined && value !== null && value !== false) return value;
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** The receipt text's fields (`id:… stat:… err:…`) as a map. */
export function receiptFields(text: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const match of text.matchAll(/(id|sub|dlvrd|submit date|done date|stat|err|text):(\S*)/g))
    fields[match[1] as string] = match[2] as string;
  return fields;
}

/** The receipt text of a deliver_sm as the smpp package decoded it. */
export function textOf(pdu: PDU): string {
  const message = pdu.short_message as { message?: unknown } | undefined;
  return typeof message?.message === "string" ? message.message : "";
}
