import { hex, readU32 } from "./bytes.js";
import { decodePdu, HEADER_LENGTH } from "./codec.js";
import { SmppDecodeError } from "./errors.js";
import type { Pdu } from "./types.js";

/** Options of {@link PduStream}. */
export interface PduStreamOptions {
  /**
   * The largest command_length accepted, in octets. Default 64 KiB: a submit_sm with a full
   * message_payload TLV is about 65 600, and the npm smpp package refuses anything over 16 KiB.
   */
  maxPduLength?: number;
}

/** What {@link PduStream.push} yields: a PDU, or a framed PDU that could not be read. */
export type PduStreamItem = Pdu | SmppDecodeError;

/** The default cap on command_length. */
export const DEFAULT_MAX_PDU_LENGTH = 64 * 1024;

/**
 * Cuts a byte stream (a TCP connection) into PDUs: a PDU may arrive split over any number of
 * chunks, and one chunk may hold several PDUs.
 *
 * `push` returns what the chunk completed, in order. A framed PDU that cannot be read (unknown
 * command, truncated body) comes back in the list as a non-fatal {@link SmppDecodeError} and the
 * stream goes on. A command_length below 16 or above the cap means the framing is lost: the list
 * ends with a fatal SmppDecodeError (after the PDUs that came before it, so no response is lost),
 * and every later `push` throws it; close the connection.
 * Memory is bounded by what arrived: a length field never causes an allocation by itself.
 * @example
 * const stream = new PduStream();
 * for await (const chunk of socket.readable) {
 *   for (const item of stream.push(chunk)) {
 *     if (!(item instanceof SmppDecodeError)) handle(item);
 *     else if (item.fatal) return close(item);
 *     else { const nack = nackFor(item); if (nack) send(nack); }
 *   }
 * }
 */
export class PduStream {
  readonly maxPduLength: number;
  private buffer = new Uint8Array(0);
  /** Octets held of the PDU in progress. */
  private held = 0;
  /** Its command_length, 0 until its first four octets have arrived. */
  private frameLength = 0;
  private failure: SmppDecodeError | null = null;

  constructor(options: PduStreamOptions = {}) {
    const max = options.maxPduLength ?? DEFAULT_MAX_PDU_LENGTH;
    if (!Number.isInteger(max) || max < HEADER_LENGTH || max > 0xffffffff) {
      throw new RangeError(`maxPduLength must be an integer from 16 to 2^32-1, got ${max}`);
    }
    this.maxPduLength = max;
  }

  /** Octets received that do not make a whole PDU yet. */
  get pending(): number {
    return this.held;
  }

  /**
   * Adds a chunk and returns the PDUs (and unreadable framed PDUs) it completed. The chunk is not
   * kept: the caller may reuse its buffer.
   * @throws SmppDecodeError (fatal), the one a previous call ended its list with: the stream is dead.
   */
  push(chunk: Uint8Array): PduStreamItem[] {
    if (this.failure !== null) throw this.failure;
    const out: PduStreamItem[] = [];
    let offset = this.held > 0 ? this.complete(chunk, out) : 0;
    if (this.held > 0 || this.failure !== null) return out;
    // Whole PDUs are decoded straight from the chunk; only a trailing fragment is copied.
    while (chunk.length - offset >= 4) {
      const length = this.checkLength(readU32(chunk, offset), out);
      if (length === 0) return out;
      if (chunk.length - offset < length) break;
      out.push(decodeFrame(chunk.subarray(offset, offset + length)));
      offset += length;
    }
    if (offset < chunk.length) {
      this.append(chunk, offset, chunk.length - offset);
      if (this.held >= 4) this.frameLength = readU32(this.buffer, 0);
    }
    return out;
  }

  // Feeds the held fragment from `chunk` until it is a whole PDU or the chunk runs out.
  private complete(chunk: Uint8Array, out: PduStreamItem[]): number {
    let offset = 0;
    while (this.held > 0 && offset < chunk.length) {
      const wanted = (this.frameLength || 4) - this.held;
      const take = Math.min(wanted, chunk.length - offset);
      this.append(chunk, offset, take);
      offset += take;
      if (this.frameLength === 0) {
        if (this.held < 4) continue;
        this.frameLength = this.checkLength(readU32(this.buffer, 0), out);
        if (this.frameLength === 0) return offset;
      } else if (this.held === this.frameLength) {
        out.push(decodeFrame(this.buffer.subarray(0, this.held)));
        this.held = 0;
        this.frameLength = 0;
      }
    }
    return offset;
  }

  // The length when it is sane; else 0, with the stream failed and the error appended to `out`.
  private checkLength(length: number, out: PduStreamItem[]): number {
    if (length >= HEADER_LENGTH && length <= this.maxPduLength) return length;
    const tooShort = length < HEADER_LENGTH;
    this.held = 0;
    this.frameLength = 0;
    this.failure = new SmppDecodeError(
      tooShort
        ? `command_length 0x${hex(length)} is below the 16-octet header: the stream is not SMPP`
        : `command_length ${length} is above the ${this.maxPduLength}-octet cap`,
      { reason: tooShort ? "too_short" : "too_long", fatal: true },
    );
    out.push(this.failure);
    return 0;
  }

  private append(chunk: Uint8Array, offset: number, length: number): void {
    const needed = this.held + length;
    if (needed > this.buffer.length) {
      const next = new Uint8Array(Math.max(needed, this.buffer.length * 2, 256));
      next.set(this.buffer.subarray(0, this.held));
      this.buffer = next;
    }
    this.buffer.set(chunk.subarray(offset, offset + length), this.held);
    this.held = needed;
  }
}

function decodeFrame(frame: Uint8Array): PduStreamItem {
  try {
    return decodePdu(frame);
  } catch (error) {
    if (error instanceof SmppDecodeError) return error;
    throw error;
  }
}
