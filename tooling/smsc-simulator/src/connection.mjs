// One TCP connection seen as SMPP PDUs: frames the byte stream by command_length, decodes each frame
// with the smpp package (keeping the raw bytes, which the records need), numbers the requests the
// SMSC sends and matches their responses.
import smpp from "smpp";

/** Larger than any PDU a client sends (a message_payload TLV tops out near 64 KB). */
const MAX_PDU_LENGTH = 70_000;
const HEADER_LENGTH = 16;

/**
 * @typedef {import("smpp").PDU} Pdu
 * @typedef {(pdu: Pdu, frame: Buffer) => void} PduHandler
 */

export class Connection {
  /** @type {Buffer} */
  #pending = Buffer.alloc(0);
  #sequence = 0;
  /** @type {Map<number, (pdu: Pdu | null) => void>} */
  #awaiting = new Map();

  /**
   * @param {import("node:net").Socket} socket
   * @param {PduHandler} onPdu called for every request the client sends, in order
   */
  constructor(socket, onPdu) {
    this.socket = socket;
    this.onPdu = onPdu;
    /** Set when the simulator stops reading (a silent bind ignores everything after its bind_resp). */
    this.deaf = false;
    socket.setNoDelay(true);
    socket.on("data", (chunk) => this.#read(chunk));
    socket.on("close", () => {
      for (const settle of this.#awaiting.values()) settle(null);
      this.#awaiting.clear();
    });
  }

  get open() {
    return !this.socket.destroyed && this.socket.writable;
  }

  /** @param {Buffer} chunk */
  #read(chunk) {
    this.#pending = this.#pending.length === 0 ? chunk : Buffer.concat([this.#pending, chunk]);
    while (this.#pending.length >= 4 && !this.socket.destroyed) {
      const length = this.#pending.readUInt32BE(0);
      if (length < HEADER_LENGTH || length > MAX_PDU_LENGTH) {
        // Framing is lost: nothing after this can be read. An SMSC answers generic_nack and hangs up.
        this.write(new smpp.PDU("generic_nack", { command_status: smpp.ESME_RINVCMDLEN }));
        this.socket.end();
        return;
      }
      if (this.#pending.length < length) return;
      const frame = this.#pending.subarray(0, length);
      this.#pending = this.#pending.subarray(length);
      if (!this.deaf) this.#dispatch(frame);
    }
  }

  /** @param {Buffer} frame */
  #dispatch(frame) {
    let pdu;
    try {
      pdu = new smpp.PDU(frame);
    } catch {
      const sequence_number = frame.readUInt32BE(12);
      this.write(new smpp.PDU("generic_nack", { command_status: smpp.ESME_RINVCMDLEN, sequence_number }));
      return;
    }
    if (pdu.isResponse()) {
      const settle = this.#awaiting.get(pdu.sequence_number);
      this.#awaiting.delete(pdu.sequence_number);
      settle?.(pdu);
      return;
    }
    this.onPdu(pdu, frame);
  }

  /**
   * Writes a PDU as it is (responses keep the request's sequence_number).
   * @param {Pdu} pdu
   * @returns {boolean} false when the connection is gone
   */
  write(pdu) {
    if (!this.open) return false;
    this.socket.write(pdu.toBuffer());
    return true;
  }

  /**
   * Sends a request with the next sequence_number; the promise gets its response, or null when the
   * connection ends first.
   * @param {Pdu} pdu
   * @returns {{ sequenceNumber: number, response: Promise<Pdu | null> } | null} null when not sent
   */
  request(pdu) {
    if (!this.open) return null;
    this.#sequence = this.#sequence >= 0x7fffffff ? 1 : this.#sequence + 1;
    pdu.sequence_number = this.#sequence;
    /** @type {Promise<Pdu | null>} */
    const response = new Promise((resolve) => this.#awaiting.set(this.#sequence, resolve));
    this.socket.write(pdu.toBuffer());
    return { sequenceNumber: this.#sequence, response };
  }

  /** Closes after what was written is flushed. */
  end() {
    this.socket.end();
  }

  /**
   * Cuts the connection without a word: nothing more is read or written. What was written already
   * still reaches the client before the close (unless `now`, which discards it).
   * @param {{ now?: boolean }} [options]
   */
  cut(options = {}) {
    this.deaf = true;
    if (options.now) this.socket.destroy();
    else this.socket.end(() => this.socket.destroy());
  }
}
