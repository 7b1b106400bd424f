import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { databaseErrorText, isUniqueViolation, isUniqueViolationOf, uniqueViolationColumns } from "./errors";

/** Inserts a minimal send row straight into the real D1; resolves to the error D1 raised, if any. */
async function insertSend(id: string, keyId: string, idempotencyKey: string | null, recipients = 1) {
  try {
    await env.DB_0.prepare(
      `INSERT INTO sends (id, merchant_id, key_id, sending_type, sender_id, message, encoding, segments,
         total_recipients, dispatch_count, unit_price_micros, total_cost_micros, currency, validity_period,
         time_zone, idempotency_key, first_dispatch_at, created_at)
       VALUES (?, 'mch_errors', ?, 'immediate', 'LISOLOO', 'Hi', 'GSM-7', 1, ?, 1, 20000, 20000, 'USD', 60,
         'Africa/Kinshasa', ?, 0, 0)`,
    )
      .bind(id, keyId, recipients, idempotencyKey)
      .run();
    return null;
  } catch (error) {
    return error;
  }
}

const sendsIdempotency = ["key_id", "idempotency_key"] as const;

describe("UNIQUE violations, on real D1 errors", () => {
  it("names the sends idempotency index, in either column order, and nothing else", async () => {
    const keyId = `key_${crypto.randomUUID()}`;
    const first = crypto.randomUUID();
    expect(await insertSend(first, keyId, "order-42")).toBeNull();
    const error = await insertSend(crypto.randomUUID(), keyId, "order-42");

    expect(databaseErrorText(error)).toMatch(
      /UNIQUE constraint failed: sends\.key_id, sends\.idempotency_key/,
    );
    expect(uniqueViolationColumns(error)).toEqual(["sends.key_id", "sends.idempotency_key"]);
    expect(isUniqueViolationOf(error, "sends", sendsIdempotency)).toBe(true);
    expect(isUniqueViolationOf(error, "sends", ["idempotency_key", "key_id"])).toBe(true);
    expect(isUniqueViolationOf(error, "sends", ["id"])).toBe(false);
    expect(isUniqueViolationOf(error, "sends", ["key_id"])).toBe(false);
    expect(isUniqueViolationOf(error, "recipients", sendsIdempotency)).toBe(false);
  });

  it("tells a primary key collision apart from the idempotency index", async () => {
    const id = crypto.randomUUID();
    expect(await insertSend(id, `key_${crypto.randomUUID()}`, "a")).toBeNull();
    const error = await insertSend(id, `key_${crypto.randomUUID()}`, "b");

    expect(isUniqueViolation(error)).toBe(true);
    expect(uniqueViolationColumns(error)).toEqual(["sends.id"]);
    expect(isUniqueViolationOf(error, "sends", ["id"])).toBe(true);
    expect(isUniqueViolationOf(error, "sends", sendsIdempotency)).toBe(false);
  });

  it("is not fooled by other constraint failures", async () => {
    const error = await insertSend(crypto.randomUUID(), `key_${crypto.randomUUID()}`, null, 0);
    expect(databaseErrorText(error)).toMatch(/CHECK constraint failed/);
    expect(uniqueViolationColumns(error)).toBeNull();
    expect(isUniqueViolationOf(error, "sends", sendsIdempotency)).toBe(false);
    expect(uniqueViolationColumns(new Error("boom"))).toBeNull();
    expect(uniqueViolationColumns(undefined)).toBeNull();
  });

  it("reads the message through drizzle's wrapper (the cause chain)", async () => {
    const keyId = `key_${crypto.randomUUID()}`;
    await insertSend(crypto.randomUUID(), keyId, "k");
    const cause = await insertSend(crypto.randomUUID(), keyId, "k");
    const wrapped = new Error("Failed query: insert into sends …", { cause });
    expect(isUniqueViolationOf(wrapped, "sends", sendsIdempotency)).toBe(true);
  });
});
