import { and, eq } from "drizzle-orm";
import type { Db } from "../client";
import { sends } from "../schema";

/** A send of this merchant, or null: another merchant's id is indistinguishable from a missing one. */
export function findSend(db: Db, merchantId: string, messageId: string) {
  return db
    .select()
    .from(sends)
    .where(and(eq(sends.id, messageId), eq(sends.merchantId, merchantId)))
    .get();
}

/** The send a key made under an Idempotency-Key, if any. */
export function findSendByIdempotencyKey(db: Db, keyId: string, idempotencyKey: string) {
  return db
    .select()
    .from(sends)
    .where(and(eq(sends.keyId, keyId), eq(sends.idempotencyKey, idempotencyKey)))
    .get();
}

export type SendRow = NonNullable<Awaited<ReturnType<typeof findSend>>>;

export type SendProgress = {
  /** Deliveries that exist (released dispatches), counted per status. */
  deliveries: Record<string, number>;
  /** Dispatches not yet released, and how many were cancelled or skipped before release. */
  dispatches: { scheduled: number; released: number; cancelled: number; skipped: number };
  nextDispatchAt: number | null;
  /** Latest change of a delivery or a dispatch release, or null when nothing has moved yet. */
  lastChangeAt: number | null;
};

/** Everything `GET /status` derives its answer from, in one round trip (two grouped reads). */
export async function readSendProgress(d1: D1Database, sendId: string): Promise<SendProgress> {
  const [deliveryRows, dispatchRows] = await d1.batch<{
    status: string;
    n: number;
    next: number | null;
    last: number | null;
  }>([
    d1
      .prepare(
        "SELECT status, count(*) AS n, NULL AS next, MAX(updated_at) AS last FROM deliveries WHERE send_id = ? GROUP BY status",
      )
      .bind(sendId),
    d1
      .prepare(
        "SELECT status, count(*) AS n, MIN(CASE WHEN status = 'scheduled' THEN due_at END) AS next, MAX(released_at) AS last FROM dispatches WHERE send_id = ? GROUP BY status",
      )
      .bind(sendId),
  ]);
  const deliveries: Record<string, number> = {};
  let lastChangeAt: number | null = null;
  const seen = (at: number | null) => {
    if (at !== null && (lastChangeAt === null || at > lastChangeAt)) lastChangeAt = at;
  };
  for (const r of deliveryRows?.results ?? []) {
    deliveries[r.status] = r.n;
    seen(r.last);
  }
  const dispatches = { scheduled: 0, released: 0, cancelled: 0, skipped: 0 };
  let nextDispatchAt: number | null = null;
  for (const r of dispatchRows?.results ?? []) {
    if (r.status in dispatches) dispatches[r.status as keyof typeof dispatches] = r.n;
    if (r.next !== null) nextDispatchAt = r.next;
    seen(r.last);
  }
  return { deliveries, dispatches, nextDispatchAt, lastChangeAt };
}
