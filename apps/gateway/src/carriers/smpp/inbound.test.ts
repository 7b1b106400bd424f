import { createPdu, formatReceiptText, type Pdu } from "@lisoloo/smpp";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { CarrierReceipt } from "../types";
import { answerRequest, type InboundContext } from "./inbound";
import type { Link } from "./link";
import { ReceiptForwarder } from "./receipts";

afterEach(() => vi.restoreAllMocks());

/** A link that records what the bind writes back. */
function fakeLink() {
  const written: Pdu[] = [];
  const link = {
    send: async (pdu: Pdu) => {
      written.push(pdu);
      return true;
    },
    close: vi.fn(),
  };
  return { link: link as unknown as Link, written };
}

function context(queue: (receipts: CarrierReceipt[]) => Promise<void>): InboundContext {
  return {
    forwarder: new ReceiptForwarder(queue),
    format: "same",
    received: vi.fn(),
    orphan: vi.fn(),
    fields: { carrier: "vodacom-cd", bind: 0 },
  };
}

const receipt = (id: string) =>
  createPdu("deliver_sm", {
    sequence_number: 7,
    esm_class: 0x04,
    short_message: new TextEncoder().encode(
      formatReceiptText({ id, stat: "DELIVRD", submitDate: "2606010800", doneDate: "2606010800" }),
    ),
  });

describe("answering the SMSC", () => {
  it("acknowledges a receipt only once it is queued", async () => {
    const { link, written } = fakeLink();
    let release: () => void = () => undefined;
    const queued: CarrierReceipt[][] = [];
    const ctx = context(
      (receipts) =>
        new Promise<void>((resolve) => {
          queued.push(receipts);
          release = resolve;
        }),
    );
    answerRequest(receipt("2684354561"), link, ctx);
    answerRequest(receipt("2684354562"), link, ctx);
    await vi.waitFor(() => expect(queued).toHaveLength(1));
    // Arriving together, both went into one queue message; nothing is answered before it is queued.
    expect(queued[0]?.map((r) => r.carrierMessageId)).toEqual(["2684354561", "2684354562"]);
    expect(written).toEqual([]);
    release();
    await vi.waitFor(() => expect(written).toHaveLength(2));
    expect(written.every((p) => p.command === "deliver_sm_resp" && p.command_status === 0)).toBe(true);
    expect(ctx.received).toHaveBeenCalledTimes(2);
  });

  it("refuses a receipt it could not queue (ESME_RX_T_APPN), so the SMSC sends it again", async () => {
    const { link, written } = fakeLink();
    vi.spyOn(console, "error").mockImplementation(() => undefined);
    answerRequest(
      receipt("2684354563"),
      link,
      context(() => Promise.reject(new Error("queue down"))),
    );
    await vi.waitFor(() => expect(written).toHaveLength(1));
    expect(written[0]).toMatchObject({
      command: "deliver_sm_resp",
      command_status: 0x64,
      sequence_number: 7,
    });
  });

  it("acknowledges and logs an inbound SMS (no receipt flag)", async () => {
    const { link, written } = fakeLink();
    const lines: string[] = [];
    vi.spyOn(console, "log").mockImplementation((line: unknown) => void lines.push(String(line)));
    const queue = vi.fn(async () => undefined);
    answerRequest(
      createPdu("deliver_sm", {
        sequence_number: 9,
        source_addr: "243810000001",
        destination_addr: "Lisoloo",
        short_message: new TextEncoder().encode("STOP"),
      }),
      link,
      context(queue),
    );
    await vi.waitFor(() => expect(written).toHaveLength(1));
    expect(written[0]).toMatchObject({ command: "deliver_sm_resp", command_status: 0, sequence_number: 9 });
    expect(queue).not.toHaveBeenCalled();
    expect(lines.some((l) => l.includes('"smpp.inbound_sms"') && l.includes('"octets":4'))).toBe(true);
  });

  it("answers enquire_link, and anything it does not serve with generic_nack", async () => {
    const { link, written } = fakeLink();
    const ctx = context(async () => undefined);
    answerRequest(createPdu("enquire_link", { sequence_number: 3 }), link, ctx);
    answerRequest(createPdu("submit_sm", { sequence_number: 4 }), link, ctx);
    await vi.waitFor(() => expect(written).toHaveLength(2));
    expect(written.map((p) => [p.command, p.command_status, p.sequence_number])).toEqual([
      ["enquire_link_resp", 0, 3],
      ["generic_nack", 0x03, 4],
    ]);
  });
});
