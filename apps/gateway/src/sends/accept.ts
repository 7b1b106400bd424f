import { walletRefusal } from "../billing/shortfall";
import { isUniqueViolationOf } from "../db/errors";
import { isMissingWallet, isOverdraft } from "../db/queries/wallets";
import type { AuthContext, MerchantContext } from "../env";
import {
  ROUTED_COLUMNS,
  type RoutedEvent,
  routedEvents,
  routeOnInsert,
  writtenEventsStatement,
} from "../webhooks/outbox/route";
import type { Quote } from "./quote";
import { queuedEventData } from "./views";

/** The `sms.queued` event's routing: ?3 is its key, ?6 the send's callback_url. */
const routeQueued = routeOnInsert("?6");

/** The columns of `sends_idempotency_uq`: one send per API key and Idempotency-Key. */
const IDEMPOTENCY_UNIQUE_COLUMNS = ["key_id", "idempotency_key"] as const;

/** A send with this Idempotency-Key was already accepted for the calling key. */
export class IdempotentDuplicate extends Error {
  constructor(readonly idempotencyKey: string) {
    super("A send with this Idempotency-Key already exists");
  }
}

export type AcceptedSend = {
  messageId: string;
  createdAt: number;
  quote: Quote;
  eventId: string;
  /** The `sms.queued` event with its destination, when one is set: what to hand to the dispatcher. */
  routed: RoutedEvent[];
};

type AcceptInput = {
  messageId: string;
  auth: AuthContext;
  merchant: MerchantContext;
  quote: Quote;
  idempotencyKey: string | null;
  now: number;
};

/**
 * Writes an accepted send in ONE D1 batch (a transaction): the send, its recipients, its dispatches,
 * the deliveries of an immediate dispatch, the `sms.queued` event (when it has somewhere to go), and
 * the wallet debit. The debit is split in SQL (prepaid first, the rest from postpaid) against the
 * balances at commit time, and the wallet's `balance >= 0` CHECK refuses an overdraft — so concurrent
 * sends can never overspend, and a refused send leaves nothing behind. The event is written with its destination and read back in the
 * same batch (webhooks/outbox/route.ts).
 */
export async function acceptSend(db: D1Database, input: AcceptInput): Promise<AcceptedSend> {
  const { messageId, auth, merchant, quote, now } = input;
  const request = quote.request;
  const immediate = request.sending_type === "immediate";
  const cost = quote.totalCostMicros;
  const eventId = crypto.randomUUID();
  const dueTimes = quote.instants.map((d) => d.getTime());

  const statements: D1PreparedStatement[] = [
    db
      .prepare(
        `INSERT INTO sends (id, merchant_id, key_id, sending_type, sender_id, message, encoding, segments,
           total_recipients, dispatch_count, unit_price_micros, total_cost_micros, currency, callback_url,
           validity_period, time_zone, state, duplicates_removed, transliterated, idempotency_key,
           first_dispatch_at, last_dispatch_at, scheduled_at_local, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'active', ?, ?, ?, ?, ?, ?, ?)`,
      )
      .bind(
        messageId,
        merchant.id,
        auth.keyId,
        request.sending_type,
        quote.senderId,
        quote.message,
        quote.encoding,
        quote.segments,
        request.to.length,
        dueTimes.length,
        quote.unitPriceMicros,
        cost,
        merchant.currency,
        request.callback_url ?? null,
        request.validity_period,
        merchant.timeZone,
        request.duplicates_removed,
        quote.transliterated ? JSON.stringify(quote.transliterated) : null,
        input.idempotencyKey,
        dueTimes[0] as number,
        Math.max(...dueTimes),
        quote.scheduledAtLocal,
        now,
      ),
    db
      .prepare("INSERT INTO recipients (send_id, idx, phone) SELECT ?1, key, value FROM json_each(?2)")
      .bind(messageId, JSON.stringify(request.to)),
    db
      .prepare(
        `INSERT INTO dispatches (send_id, seq, due_at, status, released_at)
         SELECT ?1, key, value, ?3, ?4 FROM json_each(?2)`,
      )
      .bind(
        messageId,
        JSON.stringify(dueTimes),
        immediate ? "released" : "scheduled",
        immediate ? now : null,
      ),
  ];
  if (immediate) {
    statements.push(
      db
        .prepare(
          `INSERT INTO deliveries (send_id, dispatch_seq, recipient_idx, phone, status, expires_at, updated_at)
           SELECT send_id, 0, idx, phone, 'pending', ?2, ?3 FROM recipients WHERE send_id = ?1`,
        )
        .bind(messageId, now + request.validity_period * 1000, now),
    );
  }
  statements.push(
    db
      .prepare(
        `INSERT INTO webhook_events (id, send_id, key_id, event_type, sequence, payload, occurred_at, created_at, ${ROUTED_COLUMNS})
         SELECT ?1, ?2, ?3, 'sms.queued', 0, ?4, ?5, ?5, ${routeQueued.values}
         FROM (SELECT 1) LEFT JOIN api_keys k ON k.id = ?3 WHERE ${routeQueued.where}`,
      )
      .bind(
        eventId,
        messageId,
        auth.keyId,
        JSON.stringify(queuedEventData(messageId, quote, merchant.currency)),
        now,
        request.callback_url ?? null,
      ),
  );
  if (cost > 0) {
    statements.push(
      db
        .prepare(
          `INSERT INTO wallet_ledger (merchant_id, wallet_type, amount_micros, reason, send_id, created_at)
           SELECT ?1, 'LISOLOO_SMS', -MIN(balance_micros, ?2), 'send_debit', ?3, ?4
           FROM wallets WHERE merchant_id = ?1 AND type = 'LISOLOO_SMS' AND balance_micros > 0`,
        )
        .bind(merchant.id, cost, messageId, now),
      // Whatever prepaid could not cover comes from postpaid; a missing or short postpaid wallet fails the batch.
      db
        .prepare(
          `INSERT INTO wallet_ledger (merchant_id, wallet_type, amount_micros, reason, send_id, created_at)
           SELECT ?1, 'LISOLOO_POST_PAID', -(?2 - taken), 'send_debit', ?3, ?4
           FROM (SELECT COALESCE(-SUM(amount_micros), 0) AS taken FROM wallet_ledger
                 WHERE send_id = ?3 AND reason = 'send_debit')
           WHERE ?2 - taken > 0`,
        )
        .bind(merchant.id, cost, messageId, now),
    );
  }

  statements.push(writtenEventsStatement(db, [eventId]));

  let written: D1Result[];
  try {
    written = await db.batch(statements);
  } catch (error) {
    if (isOverdraft(error) || isMissingWallet(error)) throw await walletRefusal(db, merchant, cost);
    // The key guard already lets one request per Idempotency-Key through; this is the backstop for a
    // lost lock: the send row's unique key refuses the duplicate, and the first send is answered.
    // Any other constraint (a message id collision, a recipient or delivery index) is a fault, not a replay.
    if (input.idempotencyKey !== null && isUniqueViolationOf(error, "sends", IDEMPOTENCY_UNIQUE_COLUMNS))
      throw new IdempotentDuplicate(input.idempotencyKey);
    throw error;
  }
  return { messageId, createdAt: now, quote, eventId, routed: routedEvents(written.at(-1)) };
}
