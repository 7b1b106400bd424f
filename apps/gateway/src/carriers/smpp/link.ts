import { connect } from "cloudflare:sockets";
import {
  describeStatus,
  encodePdu,
  isResponse,
  nackFor,
  type Pdu,
  PduStream,
  SmppDecodeError,
} from "@lisoloo/smpp";

/** What a link tells its owner. Called from its read loop, outside any request. */
export type LinkHandlers = {
  /** A request from the SMSC (`deliver_sm`, `enquire_link`, `unbind`, …); the owner answers it. */
  request(pdu: Pdu, link: Link): void;
  /** A response nobody awaits through `Link.call` (`submit_sm_resp`, a `generic_nack`). */
  response(pdu: Pdu, link: Link): void;
  /** The connection ended, for whatever reason; called once, after every `call` was rejected. */
  closed(reason: string, link: Link): void;
};

/** A `Link.call` that got no answer in time; the link is closed with it. */
export class NoAnswer extends Error {}

const MAX_SEQUENCE = 0x7fffffff;

/**
 * One connection to an SMSC: a `connect()` socket (TLS when asked), one `PduStream` reading it and
 * one writer, the sequence numbers of what we send, and the calls waiting for their answers. It
 * knows nothing of binds or windows: `SmppBind` does. A decode error that loses the framing closes
 * it; a readable PDU with a bad body is answered `generic_nack` (a request) or handed on (a
 * response, whose request then has no answer it can use).
 */
export class Link {
  closed = false;
  private sequence = 0;
  private readonly calls = new Map<number, { resolve: (pdu: Pdu) => void; reject: (e: Error) => void }>();
  private readonly writer: WritableStreamDefaultWriter<Uint8Array>;

  private constructor(
    private readonly socket: Socket,
    private readonly handlers: LinkHandlers,
    readonly openedAt: number,
  ) {
    this.writer = socket.writable.getWriter();
  }

  /** Opens the connection and starts reading; rejects when the SMSC cannot be reached. */
  static async open(
    target: { host: string; port: number; tls: boolean },
    handlers: LinkHandlers,
    timeoutMs: number,
  ): Promise<Link> {
    const socket = connect(
      { hostname: target.host, port: target.port },
      { secureTransport: target.tls ? "on" : "off", allowHalfOpen: false },
    );
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      await Promise.race([
        socket.opened,
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new NoAnswer(`no connection within ${timeoutMs} ms`)), timeoutMs);
        }),
      ]);
    } catch (error) {
      socket.close().catch(() => undefined);
      throw error;
    } finally {
      clearTimeout(timer);
    }
    const link = new Link(socket, handlers, Date.now());
    void link.read();
    return link;
  }

  /** The next sequence number (1 … 2^31-1, then 1 again). */
  nextSequence(): number {
    this.sequence = this.sequence >= MAX_SEQUENCE ? 1 : this.sequence + 1;
    return this.sequence;
  }

  /** Writes one PDU; false when the link is closed or the write failed (which closes it). */
  async send(pdu: Pdu): Promise<boolean> {
    if (this.closed) return false;
    try {
      await this.writer.write(encodePdu(pdu));
      return true;
    } catch (error) {
      this.close(`write failed: ${String(error)}`);
      return false;
    }
  }

  /**
   * Sends a request and resolves with its response, whatever its `command_status`. Rejects with
   * `NoAnswer` after `timeoutMs` (the link is then closed: an SMSC that stops answering is gone),
   * or when the link closes first.
   */
  call(pdu: Pdu, timeoutMs: number): Promise<Pdu> {
    const sequence = this.nextSequence();
    return new Promise<Pdu>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.calls.delete(sequence);
        reject(new NoAnswer(`no ${pdu.command}_resp within ${timeoutMs / 1000} s`));
        this.close(`no ${pdu.command}_resp within ${timeoutMs / 1000} s`);
      }, timeoutMs);
      this.calls.set(sequence, {
        resolve: (answer) => {
          clearTimeout(timer);
          resolve(answer);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
      void this.send({ ...pdu, sequence_number: sequence } as Pdu);
    });
  }

  /** Closes the connection (idempotent); every waiting call is rejected, then `closed` is told. */
  close(reason: string): void {
    if (this.closed) return;
    this.closed = true;
    for (const call of this.calls.values()) call.reject(new Error(`connection closed: ${reason}`));
    this.calls.clear();
    this.socket.close().catch(() => undefined);
    this.handlers.closed(reason, this);
  }

  private async read(): Promise<void> {
    const stream = new PduStream();
    const reader = this.socket.readable.getReader();
    let reason = "closed by the SMSC";
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done || this.closed) break;
        for (const item of stream.push(value)) {
          if (item instanceof SmppDecodeError) {
            if (item.fatal) throw item;
            const nack = nackFor(item);
            if (nack) void this.send(nack);
            continue;
          }
          this.dispatch(item);
        }
      }
    } catch (error) {
      reason =
        error instanceof SmppDecodeError
          ? `unreadable stream (${error.reason})`
          : `read failed: ${String(error)}`;
    } finally {
      reader.releaseLock();
    }
    this.close(reason);
  }

  private dispatch(pdu: Pdu): void {
    if (!isResponse(pdu.command) && pdu.command !== "generic_nack") {
      this.handlers.request(pdu, this);
      return;
    }
    const call = this.calls.get(pdu.sequence_number);
    if (call) {
      this.calls.delete(pdu.sequence_number);
      call.resolve(pdu);
    } else this.handlers.response(pdu, this);
  }
}

/** Why a bind response refused us, for operators: `ESME_RINVPASWD (0x0000000E)`. */
export function refusalOf(pdu: Pdu): string | null {
  return pdu.command_status === 0 ? null : describeStatus(pdu.command_status);
}
