import { countSegments, gsm7BasicAlphabet, gsm7ExtensionTable, isGsm7 } from "@lisoloo/protocol/segments";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodePdu, encodePdu } from "./codec.js";
import { decodeShortMessage } from "./short-message.js";
import { destinationAddress, relativeTime, senderAddress, submitSmPdus } from "./submit.js";
import type { SubmitSm } from "./types.js";

const RUNS = 2_000;
const hex = (bytes: Uint8Array) => Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
const to = "+243810000000";

/** Octets the segment takes on the air: UDH, then septets packed 8 to 7 after fill bits (3GPP 23.040). */
function airOctets(pdu: SubmitSm): number {
  const udh = pdu.esm_class & 0x40 ? (pdu.short_message[0] as number) + 1 : 0;
  const user = pdu.short_message.length - udh;
  if (pdu.data_coding === 8) return udh + user;
  return Math.ceil(((Math.ceil((udh * 8) / 7) + user) * 7) / 8);
}

describe("submitSmPdus", () => {
  it("submits a short GSM text as one submit_sm with the contract's fields", () => {
    const [pdu, ...rest] = submitSmPdus({
      source: "Lisoloo",
      destination: to,
      text: "Mbote!",
      reference: 7,
      validitySeconds: 172_800,
    });
    expect(rest).toEqual([]);
    expect(pdu).toEqual({
      command: "submit_sm",
      command_status: 0,
      sequence_number: 0,
      service_type: "",
      source_addr_ton: 5,
      source_addr_npi: 0,
      source_addr: "Lisoloo",
      dest_addr_ton: 1,
      dest_addr_npi: 1,
      destination_addr: "243810000000",
      esm_class: 0,
      protocol_id: 0,
      priority_flag: 0,
      schedule_delivery_time: "",
      validity_period: "000002000000000R",
      registered_delivery: 1,
      replace_if_present_flag: 0,
      data_coding: 0,
      sm_default_msg_id: 0,
      short_message: new TextEncoder().encode("Mbote!"),
      tlvs: {},
    });
  });

  it("writes GSM-7 one septet per octet, an extension character as 0x1B and its septet", () => {
    const [pdu] = submitSmPdus({ source: "Lisoloo", destination: to, text: "@5€[è", reference: 0 });
    expect(hex(pdu?.short_message ?? new Uint8Array())).toBe("00" + "35" + "1b65" + "1b3c" + "04");
  });

  it("writes UCS-2 as UTF-16BE with data_coding 8, an emoji as its surrogate pair", () => {
    const [pdu] = submitSmPdus({ source: "Lisoloo", destination: to, text: "ça 🙏", reference: 0 });
    expect(pdu?.data_coding).toBe(8);
    expect(hex(pdu?.short_message ?? new Uint8Array())).toBe("00e7" + "0061" + "0020" + "d83d" + "de4f");
  });

  it("cuts a long message like the splitter, with a concatenation UDH and esm_class 0x40 on each part", () => {
    const text = `${"a".repeat(152)}€${"b".repeat(10)}`;
    const pdus = submitSmPdus({ source: "Lisoloo", destination: to, text, reference: 0xab });
    expect(pdus).toHaveLength(2);
    expect(pdus.map((p) => p.esm_class)).toEqual([0x40, 0x40]);
    expect(hex(pdus[0]?.short_message.subarray(0, 6) ?? new Uint8Array())).toBe("050003ab0201");
    expect(pdus[0]?.short_message.length).toBe(6 + 152);
    expect(hex(pdus[1]?.short_message.subarray(0, 8) ?? new Uint8Array())).toBe("050003ab02021b65");
  });

  it("never splits a surrogate pair between two UCS-2 segments", () => {
    const text = `ç${"a".repeat(65)}🙏${"b".repeat(10)}`;
    const pdus = submitSmPdus({ source: "Lisoloo", destination: to, text, reference: 1 });
    expect(pdus.map((p) => decodeShortMessage(p).text)).toEqual([
      `ç${"a".repeat(65)}`,
      `🙏${"b".repeat(10)}`,
    ]);
  });

  it("sends a GSM text as UCS-2 when asked, 67 characters per part", () => {
    const pdus = submitSmPdus({
      source: "Lisoloo",
      destination: to,
      text: "x".repeat(140),
      encoding: "UCS-2",
      reference: 1,
    });
    expect(pdus.map((p) => [p.data_coding, decodeShortMessage(p).text.length])).toEqual([
      [8, 67],
      [8, 67],
      [8, 6],
    ]);
    expect(
      submitSmPdus({ source: "Lisoloo", destination: to, text: "Hi", encoding: "UCS-2", reference: 1 })[0]
        ?.short_message,
    ).toEqual(Uint8Array.of(0, 0x48, 0, 0x69));
  });

  it("sends an empty text as one empty submit_sm", () => {
    const pdus = submitSmPdus({ source: "Lisoloo", destination: to, text: "", reference: 1 });
    expect(pdus.map((p) => p.short_message.length)).toEqual([0]);
  });

  it.each([
    [
      "GSM-7 forced on a text that is not GSM",
      { text: "ça", encoding: "GSM-7" },
      /"ç" \(U\+00E7\) at index 0/,
    ],
    ["a destination that is not a number", { destination: "+243 81" }, /not a phone number/],
    ["a reference above 255", { reference: 256 }, /reference/],
    ["a validity of 0 seconds", { validitySeconds: 0 }, /relative time/],
    ["an empty sender", { source: "" }, /sender id is empty/],
  ])("refuses %s", (_, change, message) => {
    expect(() =>
      submitSmPdus({ source: "Lisoloo", destination: to, text: "Hi", reference: 1, ...change } as never),
    ).toThrow(message);
  });

  it("leaves validity_period empty (the SMSC's default) when no validity is given, and passes registered_delivery", () => {
    const [pdu] = submitSmPdus({
      source: "Lisoloo",
      destination: to,
      text: "Hi",
      reference: 1,
      registeredDelivery: 0,
    });
    expect(pdu).toMatchObject({ validity_period: "", registered_delivery: 0 });
  });
});

describe("submitSmPdus on any text", () => {
  const gsmCharacters = [
    ...Array.from(gsm7BasicAlphabet).filter((c) => c !== "\u001b"),
    ...gsm7ExtensionTable.map(([, c]) => c),
  ];
  // size "max": lengths spread over the whole range, so most texts take several segments.
  const gsmText = fc.string({ unit: fc.constantFrom(...gsmCharacters), maxLength: 1600, size: "max" });
  const anyText = fc.oneof(
    gsmText,
    fc.string({ unit: "binary", maxLength: 400, size: "max" }),
    fc.string({ unit: "grapheme", maxLength: 300, size: "max" }),
    fc.tuple(gsmText, fc.string({ unit: "binary", maxLength: 3 }), gsmText).map((parts) => parts.join("")),
  );

  it("gives back the text exactly, each part within 140 octets on the air, with consistent UDHs", () => {
    fc.assert(
      fc.property(anyText, fc.integer({ min: 0, max: 255 }), (text, reference) => {
        const pdus = submitSmPdus({
          source: "+243990000000",
          destination: to,
          text,
          reference,
          validitySeconds: 3600,
        });
        expect(pdus).toHaveLength(countSegments(text).segments);
        let joined = "";
        pdus.forEach((pdu, index) => {
          const decoded = decodeShortMessage(decodePdu(encodePdu(pdu)) as SubmitSm);
          joined += decoded.text;
          expect(pdu.data_coding).toBe(isGsm7(text) ? 0 : 8);
          expect(airOctets(pdu)).toBeLessThanOrEqual(140);
          expect(pdu.short_message.length).toBeLessThanOrEqual(254);
          if (pdus.length === 1) {
            expect([pdu.esm_class, decoded.concat]).toEqual([0, null]);
          } else {
            expect(pdu.esm_class).toBe(0x40);
            expect(decoded.concat).toEqual({ reference, total: pdus.length, sequence: index + 1 });
          }
        });
        expect(joined).toBe(text);
      }),
      { numRuns: RUNS },
    );
  });
});

describe("addresses", () => {
  it.each([
    ["Lisoloo", { ton: 5, npi: 0, addr: "Lisoloo" }],
    ["INFO-CD", { ton: 5, npi: 0, addr: "INFO-CD" }],
    ["+243810000000", { ton: 1, npi: 1, addr: "243810000000" }],
    ["243810000000", { ton: 1, npi: 1, addr: "243810000000" }],
  ])("sender %s", (sender, address) => {
    expect(senderAddress(sender)).toEqual(address);
  });

  it("destinations are international numbers without the +", () => {
    expect(destinationAddress("+243998857000")).toEqual({ ton: 1, npi: 1, addr: "243998857000" });
    expect(() => destinationAddress("Lisoloo")).toThrow(RangeError);
  });
});

describe("relativeTime", () => {
  it.each([
    [1, "000000000001000R"],
    [60, "000000000100000R"],
    [3_661, "000000010101000R"],
    [172_800, "000002000000000R"],
    [259_200, "000003000000000R"],
    [100 * 86_400 - 1, "000099235959000R"],
  ])("%i s is %s", (seconds, time) => {
    expect(relativeTime(seconds)).toBe(time);
  });

  it.each([0, -5, 1.5, 100 * 86_400])("refuses %s s", (seconds) => {
    expect(() => relativeTime(seconds)).toThrow(RangeError);
  });
});
