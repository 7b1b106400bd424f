import {
  errorEnvelopeSchema,
  previewResponseSchema,
  recipientsResponseSchema,
  sendResponseSchema,
} from "@lisoloo/protocol";
import { describe, expect, it } from "vitest";
import { isUniqueViolationOf } from "../src/db/errors";
import { newMessageId } from "../src/ids";
import { IdempotentDuplicate } from "../src/sends/accept";
import { acceptDirectly, api, BASE, call, newMerchant, rows, shardDb } from "./helpers";

const PHONE = "+243998857000";
const FRENCH = { "accept-language": "fr" };

/** The merchant's sends and its prepaid balance: what a refused request must leave as it was. */
async function footprint(merchantId: string) {
  const sends = await rows("SELECT id FROM sends WHERE merchant_id = ?", merchantId);
  const [wallet] = await rows<{ balance_micros: number }>(
    "SELECT balance_micros FROM wallets WHERE merchant_id = ? AND type = 'LISOLOO_SMS'",
    merchantId,
  );
  return { sends: sends.length, balance: wallet?.balance_micros };
}

/** POSTs raw bytes to the merchant API. */
async function postBytes(apiKey: string, path: string, body: BodyInit, headers: Record<string, string> = {}) {
  const res = await call(`${BASE}${path}`, {
    method: "POST",
    headers: { "app-key": apiKey, "content-type": "application/json", ...headers },
    body,
    ...(body instanceof ReadableStream ? { duplex: "half" } : {}),
  } as RequestInit);
  const text = await res.text();
  return { status: res.status, body: JSON.parse(text), headers: res.headers };
}

/** A body streamed in chunks without a Content-Length; `pulled` counts what the server asked for. */
function chunkedBody(text: string, chunkBytes = 16 * 1024) {
  const bytes = new TextEncoder().encode(text);
  const state = { pulled: 0, cancelled: false };
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (state.pulled >= bytes.length) return controller.close();
      const chunk = bytes.subarray(state.pulled, state.pulled + chunkBytes);
      state.pulled += chunk.length;
      controller.enqueue(chunk);
    },
    cancel() {
      state.cancelled = true;
    },
  });
  return { stream, state };
}

describe("GET /status/{id}/recipients refuses a cursor it did not write", () => {
  async function sendOfThree() {
    const merchant = await newMerchant();
    const sent = await api(merchant.apiKey, "POST", "/send", {
      to: [PHONE, "+243998857001", "+243998857002"],
      message: "Hi",
    });
    const id = sent.body.data.message_id as string;
    const page = recipientsResponseSchema.parse(
      (await api(merchant.apiKey, "GET", `/status/${id}/recipients?limit=1`)).body,
    ).data;
    return { ...merchant, id, cursor: page.next_cursor as string };
  }

  it.each([
    ["not base64", "!!!"],
    ["base64 of nothing it wrote", btoa("hello")],
    ["the position without its tag", btoa("0.0").replace(/=+$/, "")],
    ["its padding added", null],
    ["one character changed", null],
    ["another message's cursor", null],
  ])("400 1110 naming cursor for %s, where it answered 500 before", async (label, given) => {
    const mine = await sendOfThree();
    let cursor = given;
    if (label === "its padding added") cursor = `${mine.cursor}%3D`;
    if (label === "one character changed")
      cursor = `${mine.cursor.slice(0, -1)}${mine.cursor.endsWith("A") ? "B" : "A"}`;
    if (label === "another message's cursor") cursor = (await sendOfThree()).cursor;
    const res = await api(mine.apiKey, "GET", `/status/${mine.id}/recipients?cursor=${cursor}`);
    expect(res.status).toBe(400);
    expect(errorEnvelopeSchema.parse(res.body)).toMatchObject({
      error_code: "1110",
      details: [
        {
          field: "cursor",
          message: "Must be the next_cursor of an earlier page of this message",
          code: "INVALID_FIELD_FORMAT",
        },
      ],
    });
  });

  it("still pages with the cursors it writes, and says what is wrong in French", async () => {
    const mine = await sendOfThree();
    const next = await api(mine.apiKey, "GET", `/status/${mine.id}/recipients?limit=1&cursor=${mine.cursor}`);
    expect(recipientsResponseSchema.parse(next.body).data.items.map((i) => i.phone)).toEqual([
      "+243998857001",
    ]);
    const french = await api(
      mine.apiKey,
      "GET",
      `/status/${mine.id}/recipients?cursor=!!!`,
      undefined,
      FRENCH,
    );
    expect(french.body.details[0].message).toBe(
      "Doit être le next_cursor d'une page précédente de ce message",
    );
  });

  it.each(["1e3", "0x10", "5.0", "+5", "-1"])("refuses limit=%s: digits only, 1 to 1000", async (limit) => {
    const mine = await sendOfThree();
    const res = await api(mine.apiKey, "GET", `/status/${mine.id}/recipients?limit=${limit}`);
    expect(res.status).toBe(400);
    expect(res.body.details).toEqual([expect.objectContaining({ field: "limit" })]);
  });
});

describe("text that is not well-formed Unicode", () => {
  it.each([
    ["message", { message: "a\ud800b" }, "message"],
    ["sender_id", { sender_id: "SHOP\udc00" }, "sender_id"],
    ["callback_url", { callback_url: "https://hooks.example.com/\ud800" }, "callback_url"],
    ["a phone number", { to: [PHONE, `+243998857001\ud83d`] }, "to[1]"],
  ])(
    "a lone surrogate in %s is refused 1110, nothing written (it was stored and billed)",
    async (_label, patch, field) => {
      const { apiKey, merchantId } = await newMerchant();
      const before = await footprint(merchantId);
      const res = await api(apiKey, "POST", "/send", { to: [PHONE], message: "Hi", ...patch });
      expect(res.status).toBe(400);
      expect(errorEnvelopeSchema.parse(res.body)).toMatchObject({
        error_code: "1110",
        details: [
          {
            field,
            message: "Must be well-formed Unicode: it contains a lone surrogate (\\uD800 to \\uDFFF)",
            code: "INVALID_FIELD_FORMAT",
          },
        ],
      });
      expect(await footprint(merchantId)).toEqual(before);
    },
  );

  it("invalid UTF-8 bytes are refused 1106, not replaced by U+FFFD and billed as UCS-2", async () => {
    const { apiKey, merchantId } = await newMerchant();
    const before = await footprint(merchantId);
    const head = new TextEncoder().encode(`{"to":["${PHONE}"],"message":"caf`);
    const body = new Uint8Array([...head, 0xe9, ...new TextEncoder().encode('"}')]); // é in Latin-1
    const res = await postBytes(apiKey, "/send", body);
    expect(res.status).toBe(400);
    expect(errorEnvelopeSchema.parse(res.body)).toMatchObject({
      error_code: "1106",
      message: "Request body is not valid UTF-8",
      details: [
        {
          field: "body",
          message: `Body is not valid UTF-8 (first bad byte at offset ${head.length})`,
          code: "INVALID_JSON",
        },
      ],
    });
    expect(await footprint(merchantId)).toEqual(before);

    const french = await postBytes(apiKey, "/send", body, FRENCH);
    expect(french.body.message).toBe("Le corps de la requête n'est pas de l'UTF-8 valide");
    expect(french.body.details[0].message).toBe(
      `Le corps n'est pas de l'UTF-8 valide (premier octet invalide à la position ${head.length})`,
    );
  });

  it("the same text in UTF-8 is GSM-7 and stored as sent; a byte order mark is ignored", async () => {
    const { apiKey } = await newMerchant();
    const bytes = new TextEncoder().encode(`\ufeff{"to":["${PHONE}"],"message":"café"}`);
    const res = await postBytes(apiKey, "/send", bytes);
    expect(res.status).toBe(201);
    const data = sendResponseSchema.parse(res.body).data;
    expect(data.encoding).toBe("GSM-7");
    const [row] = await rows<{ message: string }>("SELECT message FROM sends WHERE id = ?", data.message_id);
    expect(row?.message).toBe("café");
  });
});

describe("callback_url is at most 2048 characters", () => {
  const url = (length: number) => `https://hooks.example.com/${"x".repeat(length - 26)}`;

  it("accepts 2048 and refuses 2049, and 200 000, with 1105 naming callback_url", async () => {
    const { apiKey, merchantId } = await newMerchant();
    const ok = await api(apiKey, "POST", "/preview", { to: [PHONE], message: "Hi", callback_url: url(2048) });
    expect(previewResponseSchema.parse(ok.body).data.total_recipients).toBe(1);
    for (const length of [2049, 200_000]) {
      const res = await api(apiKey, "POST", "/send", {
        to: [PHONE],
        message: "Hi",
        callback_url: url(length),
      });
      expect(res.status).toBe(400);
      expect(errorEnvelopeSchema.parse(res.body)).toMatchObject({
        error_code: "1105",
        details: [
          { field: "callback_url", message: "Must be at most 2048 characters", code: "INVALID_CALLBACK_URL" },
        ],
      });
    }
    expect((await footprint(merchantId)).sends).toBe(0);
  });
});

describe("Idempotency-Key compares what a JSON body says, not how it is spelt", () => {
  it("replays the same JSON with its keys in another order and other whitespace", async () => {
    const { apiKey, merchantId } = await newMerchant();
    const key = `order-${crypto.randomUUID()}`;
    const compact = `{"to":["${PHONE}","+243998857001"],"message":"Caf\\u00e9","sender_id":"LISOLOO"}`;
    const reordered = `{\n  "sender_id": "LISOLOO",\n  "message": "Café",\n  "to": [ "${PHONE}", "+243998857001" ]\n}\n`;
    const first = await postBytes(apiKey, "/send", compact, { "idempotency-key": key });
    const again = await postBytes(apiKey, "/send", reordered, { "idempotency-key": key });
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(again.body).toEqual(first.body);
    expect((await footprint(merchantId)).sends).toBe(1);
  });

  it.each([
    ["another recipient order (arrays keep theirs)", `{"to":["+243998857001","${PHONE}"],"message":"Hi"}`],
    ["another value", `{"to":["${PHONE}","+243998857001"],"message":"Hi!"}`],
    [
      "a number spelt as a string",
      `{"to":["${PHONE}","+243998857001"],"message":"Hi","validity_period":"60"}`,
    ],
  ])("still answers 1108 for %s", async (_label, other) => {
    const { apiKey } = await newMerchant();
    const key = `order-${crypto.randomUUID()}`;
    const body = `{"to":["${PHONE}","+243998857001"],"message":"Hi"}`;
    expect((await postBytes(apiKey, "/send", body, { "idempotency-key": key })).status).toBe(201);
    const res = await postBytes(apiKey, "/send", other, { "idempotency-key": key });
    expect(res.status).toBe(422);
    expect(res.body.error_code).toBe("1108");
  });

  it("compares a body that is not JSON byte for byte", async () => {
    const { apiKey } = await newMerchant();
    const key = `order-${crypto.randomUUID()}`;
    const first = await postBytes(apiKey, "/send", "{nope", { "idempotency-key": key });
    expect(first.status).toBe(400);
    const same = await postBytes(apiKey, "/send", "{nope", { "idempotency-key": key });
    expect(same.headers.get("idempotent-replayed")).toBe("true");
    const spaced = await postBytes(apiKey, "/send", "{ nope", { "idempotency-key": key });
    expect(spaced.status).toBe(422);
  });
});

describe("a UNIQUE violation is a replay only when it is the Idempotency-Key's", () => {
  async function setUp() {
    const { merchantId, keyId } = await newMerchant();
    const direct = acceptDirectly(await shardDb(merchantId), merchantId, keyId);
    const accept = (messageId: string, idempotencyKey: string | null) =>
      direct(PHONE, { messageId, idempotencyKey });
    return { merchantId, accept };
  }

  it("the same Idempotency-Key again is an IdempotentDuplicate", async () => {
    const { accept } = await setUp();
    await accept(newMessageId(), "k-1");
    await expect(accept(newMessageId(), "k-1")).rejects.toBeInstanceOf(IdempotentDuplicate);
  });

  it("a message id collision surfaces as the constraint failure it is, and writes nothing", async () => {
    const { merchantId, accept } = await setUp();
    const id = newMessageId();
    await accept(id, "k-1");
    const before = await footprint(merchantId);
    const error = await accept(id, "k-2").then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).not.toBeInstanceOf(IdempotentDuplicate);
    expect(isUniqueViolationOf(error, "sends", ["id"])).toBe(true);
    expect(await footprint(merchantId)).toEqual(before);
  });
});

describe("the body limit counts while it reads", () => {
  const valid = JSON.stringify({ to: [PHONE], message: "Hi" });

  it("refuses a chunked body as soon as it passes 256 KiB, without reading the rest", async () => {
    const { apiKey, merchantId } = await newMerchant();
    const { stream, state } = chunkedBody(`${valid}${" ".repeat(4 * 1024 * 1024)}`);
    const res = await postBytes(apiKey, "/send", stream);
    expect(res.status).toBe(413);
    expect(res.body.error_code).toBe("1304");
    // Read up to the limit, then stopped: a few chunks past 256 KiB at most, not the 4 MiB sent.
    expect(state.pulled).toBeLessThan(512 * 1024);
    expect((await footprint(merchantId)).sends).toBe(0);
  });

  it("refuses a body longer than the Content-Length it declares would allow", async () => {
    const { apiKey } = await newMerchant();
    const { stream } = chunkedBody(`${valid}${" ".repeat(300 * 1024)}`);
    const res = await postBytes(apiKey, "/preview", stream, { "content-length": "100" });
    expect(res.status).toBe(413);
    expect(res.body.error_code).toBe("1304");
  });

  it("lets a chunked body under the limit through to the route, and to the idempotency fingerprint", async () => {
    const { apiKey, merchantId } = await newMerchant();
    const padded = `${valid}${" ".repeat(200 * 1024)}`;
    const preview = await postBytes(apiKey, "/preview", chunkedBody(padded).stream);
    expect(previewResponseSchema.parse(preview.body).data.total_recipients).toBe(1);

    const key = `order-${crypto.randomUUID()}`;
    const first = await postBytes(apiKey, "/send", chunkedBody(padded).stream, { "idempotency-key": key });
    const replay = await postBytes(apiKey, "/send", valid, { "idempotency-key": key });
    expect(first.status).toBe(201);
    expect(replay.headers.get("idempotent-replayed")).toBe("true");
    expect(replay.body).toEqual(first.body);
    expect((await footprint(merchantId)).sends).toBe(1);
  });

  it("accepts exactly 256 KiB and refuses one byte more", async () => {
    const { apiKey } = await newMerchant();
    const exact = `${valid}${" ".repeat(256 * 1024 - valid.length)}`;
    expect((await postBytes(apiKey, "/preview", exact)).status).toBe(200);
    expect((await postBytes(apiKey, "/preview", `${exact} `)).status).toBe(413);
    expect((await postBytes(apiKey, "/preview", chunkedBody(exact).stream)).status).toBe(200);
    expect((await postBytes(apiKey, "/preview", chunkedBody(`${exact} `).stream)).status).toBe(413);
  });
});
