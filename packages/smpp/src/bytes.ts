import { SmppDecodeError } from "./errors.js";

/** What a reader names in its errors: the PDU it is reading. */
export interface ReadContext {
  commandId: number;
  sequenceNumber: number;
}

/**
 * Reads big-endian integers, C-octet strings and octets from one PDU, never past `end`. Every
 * overrun is a (non-fatal) {@link SmppDecodeError}: the PDU's frame is known, its content is not.
 */
export class ByteReader {
  offset: number;

  constructor(
    private readonly bytes: Uint8Array,
    offset: number,
    readonly end: number,
    private readonly context: ReadContext,
  ) {
    this.offset = offset;
  }

  get remaining(): number {
    return this.end - this.offset;
  }

  u8(field: string): number {
    this.need(1, field);
    return this.bytes[this.offset++] as number;
  }

  u16(field: string): number {
    this.need(2, field);
    const value = ((this.bytes[this.offset] as number) << 8) | (this.bytes[this.offset + 1] as number);
    this.offset += 2;
    return value;
  }

  /**
   * A copy, so a decoded PDU never aliases a buffer the caller may reuse, and a plain Uint8Array
   * even when the input is a Node Buffer (whose `slice` is a view).
   */
  octets(length: number, field: string): Uint8Array {
    this.need(length, field);
    const value = new Uint8Array(this.bytes.subarray(this.offset, this.offset + length));
    this.offset += length;
    return value;
  }

  /** A C-octet string: bytes up to a NUL, read as Latin-1 so every byte survives a round trip. */
  cstring(field: string): string {
    const start = this.offset;
    let nul = start;
    while (nul < this.end && this.bytes[nul] !== 0) nul++;
    if (nul === this.end) {
      throw this.error("unterminated_cstring", `${field} has no NUL terminator before the end of the PDU`);
    }
    this.offset = nul + 1;
    return latin1(this.bytes, start, nul);
  }

  error(reason: "truncated" | "unterminated_cstring" | "truncated_tlv", message: string): SmppDecodeError {
    return new SmppDecodeError(`${message} (command_id 0x${hex(this.context.commandId)})`, {
      reason,
      fatal: false,
      commandId: this.context.commandId,
      sequenceNumber: this.context.sequenceNumber,
    });
  }

  private need(length: number, field: string): void {
    if (this.end - this.offset < length) {
      throw this.error("truncated", `${field} needs ${length} octets, ${this.end - this.offset} left`);
    }
  }
}

/** Appends big-endian integers, C-octet strings and octets, growing as needed. */
export class ByteWriter {
  private buffer: Uint8Array;
  length = 0;

  constructor(capacity = 64) {
    this.buffer = new Uint8Array(capacity);
  }

  u8(value: number, field: string): void {
    checkInteger(value, 0xff, field);
    this.reserve(1);
    this.buffer[this.length++] = value;
  }

  u16(value: number, field: string): void {
    checkInteger(value, 0xffff, field);
    this.reserve(2);
    this.buffer[this.length++] = value >>> 8;
    this.buffer[this.length++] = value & 0xff;
  }

  u32(value: number, field: string): void {
    checkInteger(value, 0xffffffff, field);
    this.reserve(4);
    this.setU32(this.length, value);
    this.length += 4;
  }

  setU32(offset: number, value: number): void {
    this.buffer[offset] = value >>> 24;
    this.buffer[offset + 1] = (value >>> 16) & 0xff;
    this.buffer[offset + 2] = (value >>> 8) & 0xff;
    this.buffer[offset + 3] = value & 0xff;
  }

  octets(value: Uint8Array): void {
    this.reserve(value.length);
    this.buffer.set(value, this.length);
    this.length += value.length;
  }

  /** A C-octet string: Latin-1 characters (U+0001–U+00FF) and a NUL. */
  cstring(value: string, field: string): void {
    if (typeof value !== "string") throw new RangeError(`${field} must be a string, got ${typeof value}`);
    this.reserve(value.length + 1);
    for (let i = 0; i < value.length; i++) {
      const code = value.charCodeAt(i);
      if (code === 0 || code > 0xff) {
        throw new RangeError(
          `${field} has U+${code.toString(16).toUpperCase().padStart(4, "0")} at index ${i}: a C-octet string holds U+0001–U+00FF`,
        );
      }
      this.buffer[this.length++] = code;
    }
    this.buffer[this.length++] = 0;
  }

  finish(): Uint8Array {
    return this.buffer.slice(0, this.length);
  }

  private reserve(extra: number): void {
    if (this.length + extra <= this.buffer.length) return;
    const next = new Uint8Array(Math.max(this.buffer.length * 2, this.length + extra));
    next.set(this.buffer.subarray(0, this.length));
    this.buffer = next;
  }
}

/** The big-endian unsigned 32-bit integer at `offset` (the caller checks the bounds). */
export function readU32(bytes: Uint8Array, offset: number): number {
  return (
    (((bytes[offset] as number) << 24) |
      ((bytes[offset + 1] as number) << 16) |
      ((bytes[offset + 2] as number) << 8) |
      (bytes[offset + 3] as number)) >>>
    0
  );
}

/** Bytes `start` to `end` as Latin-1: one character per byte, lossless. */
export function latin1(bytes: Uint8Array, start = 0, end = bytes.length): string {
  let text = "";
  for (let i = start; i < end; i++) text += String.fromCharCode(bytes[i] as number);
  return text;
}

/** Eight hexadecimal digits, as the spec writes command ids and statuses. */
export function hex(value: number): string {
  return (value >>> 0).toString(16).toUpperCase().padStart(8, "0");
}

function checkInteger(value: number, max: number, field: string): void {
  if (!Number.isInteger(value) || value < 0 || value > max) {
    throw new RangeError(`${field} must be an integer from 0 to ${max}, got ${String(value)}`);
  }
}
