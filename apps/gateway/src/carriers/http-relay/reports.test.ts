import { describe, expect, it } from "vitest";
import { sendsmsOutcome } from "./connector";
import { type ReportType, relayReport } from "./reports";
import { receiptSignature, receiptSignatureValid } from "./signature";

const receiptText = (stat: string) =>
  `id:2684354561 sub:001 dlvrd:001 submit date:2612011410 done date:2612011410 stat:${stat} err:000 text:Mbote`;

describe("relayReport (CONTRACT §12)", () => {
  it.each<[string, ReportType, string, string | null, string | null]>([
    ["delivered", 1, receiptText("DELIVRD"), "delivered", null],
    ["undeliverable", 2, receiptText("UNDELIV"), "undelivered", "1504"],
    ["queued on the SMSC: no change", 4, "", null, null],
    ["accepted by the SMSC", 8, "ACK/", "accepted", null],
    ["rejected by the SMSC", 16, "NACK/0x0000000b/Invalid Destination Address", "failed", "1501"],
    ["type 2 refined by stat:EXPIRED", 2, receiptText("EXPIRED"), "expired", "1505"],
    ["type 2 refined by stat:REJECTD", 2, receiptText("REJECTD"), "rejected", "1502"],
    ["type 2 refined by stat:DELETED", 2, receiptText("DELETED"), "undelivered", "1504"],
    ["type 2 refined by stat:UNKNOWN", 2, receiptText("UNKNOWN"), "delivery_unknown", "1503"],
    ["type 8 refined by stat:ENROUTE", 8, receiptText("ENROUTE"), "enroute", null],
    ["a final type not overruled by an intermediate word", 1, receiptText("ENROUTE"), "delivered", null],
    ["an intermediate type not overruled by a final word", 8, receiptText("DELIVRD"), "accepted", null],
    ["type 16 whatever the text says", 16, receiptText("DELIVRD"), "failed", "1501"],
    ["an unknown word: the type decides", 2, receiptText("WHATEVR"), "undelivered", "1504"],
  ])("%s", (_, type, reply, status, errorCode) => {
    const { receipt } = relayReport(type, reply);
    expect(receipt === null ? null : [receipt.status, receipt.errorCode]).toEqual(
      status === null ? null : [status, errorCode],
    );
  });

  it("keeps a failure's text as the reason, without the message excerpt", () => {
    expect(relayReport(2, receiptText("UNDELIV")).receipt).toMatchObject({
      reason: expect.stringMatching(/^Kannel type 2: id:2684354561 .* stat:UNDELIV err:000$/),
    });
    expect(relayReport(16, "NACK/0x0000000b/Invalid Destination Address").receipt?.reason).toBe(
      "Kannel type 16: NACK/0x0000000b/Invalid Destination Address",
    );
    expect(relayReport(1, receiptText("DELIVRD")).receipt).not.toHaveProperty("reason");
  });
});

describe("sendsmsOutcome", () => {
  it.each<[number, string, string]>([
    [202, "0: Accepted for delivery", "accepted"],
    [202, "3: Queued for later delivery", "accepted"],
    [200, "Sent.", "accepted"],
    [403, "Authorization failed for sendsms", "failed"],
    [400, "Missing receiver number", "failed"],
    [202, "4: Message refused", "failed"],
    [503, "Sending failed.", "transient"],
    [500, "", "transient"],
    [429, "Too many requests", "transient"],
    [408, "", "transient"],
  ])("HTTP %i %j → %s", (status, body, kind) => {
    const result = sendsmsOutcome(7, status, body);
    expect(result.kind).toBe(kind);
    if (result.kind === "accepted") expect(result.carrierMessageId).toBe("relay:7");
    else expect(result.reason).toContain(`HTTP ${status}`);
  });
});

describe("receipt signatures", () => {
  it("hold for their carrier, delivery and part only, and under their key only", async () => {
    const key = "test-credentials-key-0123456789";
    const sig = await receiptSignature(key, "orange-cd", "DB_0", 42, 0);
    expect(sig).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(await receiptSignatureValid(key, "orange-cd", "DB_0", 42, 0, sig)).toBe(true);
    expect(await receiptSignatureValid(key, "orange-cd", "DB_0", 43, 0, sig)).toBe(false);
    expect(await receiptSignatureValid(key, "orange-cd", "DB_0", 42, 1, sig)).toBe(false);
    expect(await receiptSignatureValid(key, "orange-cd", "DB_1", 42, 0, sig)).toBe(false);
    expect(await receiptSignatureValid(key, "vodacom-cd", "DB_0", 42, 0, sig)).toBe(false);
    expect(await receiptSignatureValid(`${key}x`, "orange-cd", "DB_0", 42, 0, sig)).toBe(false);
    expect(await receiptSignatureValid(key, "orange-cd", "DB_0", 42, 0, `${sig.slice(0, 42)}A`)).toBe(false);
    expect(await receiptSignatureValid(key, "orange-cd", "DB_0", 42, 0, "not a signature")).toBe(false);
  });

  it("verify under the previous key as well while it is set, and under no other", async () => {
    const previous = "old-credentials-key-0123456789";
    const current = "new-credentials-key-0123456789";
    const oldSig = await receiptSignature(previous, "orange-cd", "DB_0", 42, 0);
    const newSig = await receiptSignature(current, "orange-cd", "DB_0", 42, 0);
    expect(newSig).not.toBe(oldSig);
    // During a rotation: either key's dlr-urls hold, still only for their own delivery.
    expect(await receiptSignatureValid([current, previous], "orange-cd", "DB_0", 42, 0, oldSig)).toBe(true);
    expect(await receiptSignatureValid([current, previous], "orange-cd", "DB_0", 42, 0, newSig)).toBe(true);
    expect(await receiptSignatureValid([current, previous], "orange-cd", "DB_0", 43, 0, oldSig)).toBe(false);
    // Once the previous key is dropped, only the current one's.
    expect(await receiptSignatureValid([current], "orange-cd", "DB_0", 42, 0, oldSig)).toBe(false);
    expect(await receiptSignatureValid([current], "orange-cd", "DB_0", 42, 0, newSig)).toBe(true);
    expect(await receiptSignatureValid([], "orange-cd", "DB_0", 42, 0, newSig)).toBe(false);
  });
});
