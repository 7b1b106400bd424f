import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { anyPdu, commandNames } from "../test/arbitraries.js";
import { decodePdu, encodePdu } from "./codec.js";
import { commandIds } from "./commands.js";
import { SmppDecodeError } from "./errors.js";

const RUNS = 5_000;

function decodeOrDecodeError(bytes: Uint8Array): void {
  try {
    decodePdu(bytes);
  } catch (error) {
    if (!(error instanceof SmppDecodeError)) throw error;
  }
}

describe("encodePdu and decodePdu", () => {
  it("round-trip every PDU, unknown TLVs included", () => {
    fc.assert(
      fc.property(anyPdu(), (pdu) => {
        const wire = encodePdu(pdu);
        expect(wire.length).toBe(new DataView(wire.buffer).getUint32(0));
        expect(decodePdu(wire)).toEqual(pdu);
      }),
      { numRuns: RUNS },
    );
  });

  it("write back the bytes they read", () => {
    fc.assert(
      fc.property(anyPdu(), (pdu) => {
        const wire = encodePdu(pdu);
        expect(encodePdu(decodePdu(wire))).toEqual(wire);
      }),
      { numRuns: RUNS },
    );
  });
});

describe("decodePdu on garbage", () => {
  it("throws nothing but SmppDecodeError for any bytes", () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), decodeOrDecodeError), { numRuns: RUNS });
  });

  it("throws nothing but SmppDecodeError for a sound header around any body", () => {
    const framed = fc
      .record({
        command: fc.constantFrom(...commandNames),
        status: fc.integer({ min: 0, max: 0xffffffff }),
        body: fc.uint8Array({ maxLength: 300 }),
      })
      .map(({ command, status, body }) => {
        const bytes = new Uint8Array(16 + body.length);
        const view = new DataView(bytes.buffer);
        view.setUint32(0, bytes.length);
        view.setUint32(4, commandIds[command]);
        view.setUint32(8, status);
        view.setUint32(12, 1);
        bytes.set(body, 16);
        return bytes;
      });
    fc.assert(fc.property(framed, decodeOrDecodeError), { numRuns: RUNS });
  });

  it("throws nothing but SmppDecodeError for a PDU with octets flipped or cut", () => {
    const damaged = fc
      .tuple(
        anyPdu(),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 0xff })), { maxLength: 4 }),
        fc.nat(),
      )
      .map(([pdu, flips, cut]) => {
        const bytes = encodePdu(pdu);
        for (const [at, value] of flips) bytes[at % bytes.length] = value;
        return bytes.subarray(0, bytes.length - (cut % 4));
      });
    fc.assert(fc.property(damaged, decodeOrDecodeError), { numRuns: RUNS });
  });
});
