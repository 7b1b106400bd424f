import { describe, expect, it } from "vitest";
import { ApiError } from "../src/errors/api-error";
import { type AcceptedSend, IdempotentDuplicate } from "../src/sends/accept";
import { acceptDirectly, api, newMerchant, rows, shardDb, waitFor, withWebhook } from "./helpers";

/**
 * Sends accepted in the same instant, against the real shard: each is its own D1 transaction (one
 * batch of its statements) and gets exactly what it would have got alone, and the books agree.
 */

/** The shard's D1, recording the size of every batch it runs. */
function recording(db: D1Database) {
  const batches: number[] = [];
  const wrapped = new Proxy(db, {
    get(target, prop) {
      if (prop === "batch")
        return (statements: D1PreparedStatement[]) => {
          batches.push(statements.length);
          return target.batch(statements);
        };
      const value = Reflect.get(target, prop, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  return { db: wrapped, batches };
}

async function setUp(wallet: number) {
  const { merchantId, keyId } = await newMerchant({ unit_price: 0.02, wallets: { LISOLOO_SMS: wallet } });
  // With a webhook, each accept reads its `sms.queued` event back: the test sees each send's own share.
  await withWebhook(keyId);
  const { db, batches } = recording(await shardDb(merchantId));
  const direct = acceptDirectly(db, merchantId, keyId);
  const accept = (to: string, idempotencyKey: string | null = null) => direct(to, { idempotencyKey });
  return { merchantId, accept, batches };
}

const phone = (i: number) => `+2438100${String(i).padStart(5, "0")}`;

/** The merchant's ledger and wallets: what every send debited, and whether they agree. */
async function books(merchantId: string) {
  const [sums] = await rows<{ ledger: number; balance: number }>(
    `SELECT (SELECT COALESCE(SUM(amount_micros), 0) FROM wallet_ledger WHERE merchant_id = ?1) AS ledger,
            (SELECT COALESCE(SUM(balance_micros), 0) FROM wallets WHERE merchant_id = ?1) AS balance`,
    merchantId,
  );
  const debits = await rows<{ send_id: string; amount: number }>(
    `SELECT send_id, SUM(amount_micros) AS amount FROM wallet_ledger
     WHERE merchant_id = ?1 AND reason = 'send_debit' GROUP BY send_id`,
    merchantId,
  );
  const sends = await rows<{ id: string }>("SELECT id FROM sends WHERE merchant_id = ?1", merchantId);
  return {
    ...sums,
    debits: Object.fromEntries(debits.map((d) => [d.send_id, d.amount])),
    sends: sends.map((s) => s.id).sort(),
  };
}

function split<T>(outcomes: PromiseSettledResult<T>[]) {
  const accepted = outcomes.flatMap((o) => (o.status === "fulfilled" ? [o.value] : []));
  const refused = outcomes.flatMap((o) => (o.status === "rejected" ? [o.reason as unknown] : []));
  return { accepted, refused };
}

describe("accepts that come together", () => {
  it("each is one transaction with its own rows, debit and event", async () => {
    const { merchantId, accept, batches } = await setUp(10);
    const accepted = await Promise.all([0, 1, 2, 3, 4, 5].map((i) => accept(phone(i))));
    // Eight statements per one-recipient send, one batch each.
    expect(batches).toEqual([8, 8, 8, 8, 8, 8]);

    const ids = accepted.map((a) => a.messageId);
    expect(new Set(ids).size).toBe(6);
    for (const send of accepted) {
      // Each send read back its own sms.queued event, and only it.
      expect(send.routed.map((e) => e.id)).toEqual([send.eventId]);
    }
    const after = await books(merchantId);
    expect(after.sends).toEqual([...ids].sort());
    expect(after.debits).toEqual(Object.fromEntries(ids.map((id) => [id, -20_000])));
    expect(after.ledger).toBe(after.balance);
    expect(after.balance).toBe(10_000_000 - 6 * 20_000);
    const recipients = await rows<{ send_id: string; phone: string }>(
      `SELECT send_id, phone FROM deliveries WHERE send_id IN (${ids.map(() => "?").join(",")})`,
      ...ids,
    );
    expect(Object.fromEntries(recipients.map((r) => [r.send_id, r.phone]))).toEqual(
      Object.fromEntries(ids.map((id, i) => [id, phone(i)])),
    );
  });

  it("more than the wallet covers: the overdrafts are refused 1202 and write nothing", async () => {
    // Room for five sends of 0.02; seven come at once.
    const { merchantId, accept } = await setUp(0.1);
    const outcomes = await Promise.allSettled([0, 1, 2, 3, 4, 5, 6].map((i) => accept(phone(i))));
    const { accepted, refused } = split(outcomes);
    expect(accepted).toHaveLength(5);
    expect(refused).toHaveLength(2);
    for (const error of refused) {
      expect(error).toBeInstanceOf(ApiError);
      expect((error as ApiError).code).toBe("1202");
    }
    const after = await books(merchantId);
    const ids = (accepted as AcceptedSend[]).map((a) => a.messageId);
    expect(after.sends).toEqual([...ids].sort());
    expect(after.debits).toEqual(Object.fromEntries(ids.map((id) => [id, -20_000])));
    expect(after.ledger).toBe(after.balance);
    expect(after.balance).toBe(0);
  });

  it("a replayed Idempotency-Key among them is told apart; the others are accepted", async () => {
    const { merchantId, accept } = await setUp(10);
    const outcomes = await Promise.allSettled([
      accept(phone(0), "order-1"),
      accept(phone(1), "order-2"),
      accept(phone(2), "order-1"),
      accept(phone(3)),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(["fulfilled", "fulfilled", "rejected", "fulfilled"]);
    expect((outcomes[2] as PromiseRejectedResult).reason).toBeInstanceOf(IdempotentDuplicate);
    const after = await books(merchantId);
    expect(after.sends).toHaveLength(3);
    expect(after.ledger).toBe(after.balance);
    expect(after.balance).toBe(10_000_000 - 3 * 20_000);
  });
});

describe("sends accepted together over HTTP", () => {
  it("150 concurrent POST /send: each gets its own answer, and every one reaches `delivered`", async () => {
    // Enough at once that one request's queue hand-off carries others' dispatch messages
    // (sends/hand-off.ts): none may be left behind.
    const { merchantId, apiKey } = await newMerchant({ rate_limits: { send: 1000 } });
    const count = 150;
    const answers = await Promise.all(
      Array.from({ length: count }, (_, i) =>
        api(apiKey, "POST", "/send", { to: [phone(i)], message: "Your code is 4821" }),
      ),
    );
    expect(answers.map((a) => a.status)).toEqual(Array(count).fill(201));
    const ids = answers.map((a) => a.body.data.message_id as string);
    expect(new Set(ids).size).toBe(count);
    const db = await shardDb(merchantId);
    const delivered = await waitFor(
      async () =>
        (
          await db
            .prepare(
              `SELECT count(*) AS n FROM deliveries d JOIN sends s ON s.id = d.send_id
               WHERE s.merchant_id = ?1 AND d.status = 'delivered'`,
            )
            .bind(merchantId)
            .first<{ n: number }>()
        )?.n,
      (n) => n === count,
    );
    expect(delivered).toBe(count);
    const after = await books(merchantId);
    expect(after.sends).toEqual([...ids].sort());
    expect(after.ledger).toBe(after.balance);
  });

  it("150 sends at once under a limit of 100: exactly 100 accepted, the others refused 1301 and never debited", async () => {
    const { merchantId, apiKey } = await newMerchant({ rate_limits: { send: 100 } });
    const answers = await Promise.all(
      Array.from({ length: 150 }, (_, i) =>
        api(apiKey, "POST", "/send", { to: [phone(i)], message: "Your code is 4821" }),
      ),
    );
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(100);
    expect(statuses.filter((s) => s === 429)).toHaveLength(50);
    for (const refused of answers.filter((a) => a.status === 429)) {
      expect(refused.body).toMatchObject({ error_code: "1301" });
      expect(refused.headers.get("retry-after")).toMatch(/^\d+$/);
    }
    const after = await books(merchantId);
    expect(after.sends).toHaveLength(100);
    expect(after.ledger).toBe(after.balance);
  });
});
