import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { anyPdu } from "../test/arbitraries.js";
import { encodePdu } from "./codec.js";
import { createPdu } from "./commands.js";
import { SmppDecodeError } from "./errors.js";
import { PduStream, type PduStreamItem } from "./stream.js";
import type { Pdu } from "./types.js";

const RUNS = 2_000;

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** Cuts `bytes` at the given offsets (taken modulo its length, sorted). */
function cut(bytes: Uint8Array, at: readonly number[]): Uint8Array[] {
  const points = [...new Set(at.map((n) => n % (bytes.length + 1)))].sort((a, b) => a - b);
  const chunks: Uint8Array[] = [];
  let from = 0;
  for (const point of [...points, bytes.length]) {
    chunks.push(bytes.slice(from, point));
    from = point;
  }
  return chunks;
}

const link = (sequence_number: number) => createPdu("enquire_link", { sequence_number });
const header = (length: number) =>
  new Uint8Array([length >>> 24, (length >>> 16) & 0xff, (length >>> 8) & 0xff, length & 0xff]);

describe("PduStream", () => {
  it("reads several PDUs packed into one chunk", () => {
    const stream = new PduStream();
    const wire = concat(
      [link(1), link(2), createPdu("submit_sm_resp", { sequence_number: 3, message_id: "A" })].map(encodePdu),
    );
    expect(stream.push(wire).map((pdu) => (pdu as Pdu).sequence_number)).toEqual([1, 2, 3]);
    expect(stream.pending).toBe(0);
  });

  it("reads a PDU split byte by byte", () => {
    const stream = new PduStream();
    const wire = encodePdu(
      createPdu("submit_sm", { sequence_number: 9, short_message: new Uint8Array(200).fill(0x41) }),
    );
    const out: PduStreamItem[] = [];
    for (const byte of wire) out.push(...stream.push(Uint8Array.of(byte)));
    expect(out).toEqual([
      createPdu("submit_sm", { sequence_number: 9, short_message: new Uint8Array(200).fill(0x41) }),
    ]);
  });

  it("does not keep the chunk: the caller may reuse its buffer", () => {
    const stream = new PduStream();
    const wire = encodePdu(link(4));
    const chunk = wire.slice(0, 10);
    stream.push(chunk);
    chunk.fill(0xff);
    expect(stream.push(wire.slice(10))).toEqual([link(4)]);
  });

  it("returns an unreadable but framed PDU as a non-fatal error and carries on", () => {
    const stream = new PduStream();
    const unknown = concat([header(16), Uint8Array.of(0, 0, 1, 3, 0, 0, 0, 0, 0, 0, 0, 5)]);
    const [first, error, last] = stream.push(concat([encodePdu(link(4)), unknown, encodePdu(link(6))]));
    expect(first).toEqual(link(4));
    expect(error).toBeInstanceOf(SmppDecodeError);
    expect(error).toMatchObject({ reason: "unknown_command", fatal: false, sequenceNumber: 5 });
    expect(last).toEqual(link(6));
  });

  it("ends with a fatal error on a length above the cap, keeping what came before, then refuses more", () => {
    const stream = new PduStream({ maxPduLength: 1024 });
    const items = stream.push(concat([encodePdu(link(1)), header(1025)]));
    expect(items[0]).toEqual(link(1));
    expect(items[1]).toMatchObject({ reason: "too_long", fatal: true });
    expect(items).toHaveLength(2);
    expect(() => stream.push(encodePdu(link(2)))).toThrow(SmppDecodeError);
  });

  it("refuses a 4 GiB length as soon as its four octets arrive, without allocating for it", () => {
    const stream = new PduStream();
    expect(stream.push(Uint8Array.of(0xff, 0xff))).toEqual([]);
    expect(stream.push(Uint8Array.of(0xff, 0xff))).toMatchObject([{ reason: "too_long", fatal: true }]);
  });

  it("refuses a length below the header", () => {
    const stream = new PduStream();
    expect(stream.push(concat([header(8), new Uint8Array(12)]))).toMatchObject([
      { reason: "too_short", fatal: true },
    ]);
  });

  it("refuses a stream that is not SMPP at all (here HTTP) at its first four octets", () => {
    const stream = new PduStream();
    // "GET " read as a length is 1 195 725 856 octets.
    expect(stream.push(new TextEncoder().encode("GET / HTTP/1.1\r\n"))).toMatchObject([
      { reason: "too_long", fatal: true },
    ]);
  });

  it("accepts a PDU of exactly the cap", () => {
    const stream = new PduStream({ maxPduLength: 16 + 17 + 254 });
    const pdu = createPdu("submit_sm", { short_message: new Uint8Array(254) });
    expect(stream.push(encodePdu(pdu))).toEqual([pdu]);
  });

  it("gives back the same PDUs in order however the stream is cut", () => {
    fc.assert(
      fc.property(
        fc.array(anyPdu(), { minLength: 1, maxLength: 20 }),
        fc.array(fc.nat(), { maxLength: 40 }),
        (pdus, at) => {
          const stream = new PduStream();
          const out = cut(concat(pdus.map(encodePdu)), at).flatMap((chunk) => stream.push(chunk));
          expect(out).toEqual(pdus);
          expect(stream.pending).toBe(0);
        },
      ),
      { numRuns: RUNS },
    );
  });

  it("throws nothing but SmppDecodeError on garbage, and stops after a fatal one", () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 64 }), { maxLength: 20 }), (chunks) => {
        const stream = new PduStream({ maxPduLength: 4096 });
        let dead = false;
        for (const chunk of chunks) {
          if (dead) {
            expect(() => stream.push(chunk)).toThrow(SmppDecodeError);
            continue;
          }
          const items = stream.push(chunk);
          for (const item of items) if (item instanceof SmppDecodeError && item.fatal) dead = true;
          expect(stream.pending).toBeLessThanOrEqual(4096);
        }
      }),
      { numRuns: RUNS },
    );
  });
});
