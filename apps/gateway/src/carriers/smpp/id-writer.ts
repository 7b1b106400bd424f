import { log } from "../../observability/logger";

/** One part the SMSC took: its id as `normalizeSubmitId` keyed it. */
export type TakenPart = { deliveryId: number; index: number; total: number; id: string };

/** A write waits this long for more ids to join it (unless it fills up): a burst costs few D1 writes. */
const GATHER_MS = 5;
/** Ids per write: keeps the JSON parameter far below D1's limits. */
const MAX_BATCH = 200;
/** A failed write is tried again after these pauses, then its ids are reported unwritten. */
const RETRY_PAUSES_MS = [100, 400, 1600];

/**
 * Every part's id under the carrier (?1 carrier, ?2 now, ?3 the parts as JSON). An id seen again
 * (an SMSC reusing ids after a wrap) names the part it was given for last.
 */
export const STORE_PARTS_SQL = `INSERT INTO carrier_message_parts (carrier, carrier_message_id, delivery_id, part_index, part_total, created_at)
  SELECT ?1, value ->> '$.id', value ->> '$.delivery', value ->> '$.index', value ->> '$.total', ?2
  FROM json_each(?3) WHERE true
  ON CONFLICT (carrier, carrier_message_id) DO UPDATE SET delivery_id = excluded.delivery_id,
    part_index = excluded.part_index, part_total = excluded.part_total, created_at = excluded.created_at`;

/**
 * The delivery's own `carrier_message_id` (its first part's) once all its parts are stored (?1 the
 * parts as JSON, ?2 now). By primary key, and each delivery's parts through their index.
 */
export const HANDED_OVER_SQL = `UPDATE deliveries SET carrier_message_id = (
    SELECT p.carrier_message_id FROM carrier_message_parts p WHERE p.delivery_id = deliveries.id
    ORDER BY p.part_index LIMIT 1),
  updated_at = ?2
  WHERE id IN (SELECT value ->> '$.delivery' FROM json_each(?1)) AND carrier_message_id IS NULL
    AND (SELECT count(DISTINCT p.part_index) FROM carrier_message_parts p WHERE p.delivery_id = deliveries.id)
      >= (SELECT max(value ->> '$.total') FROM json_each(?1) WHERE value ->> '$.delivery' = deliveries.id)`;

type Waiting = { part: TakenPart; resolve: () => void; reject: (error: unknown) => void };

/**
 * Writes the carrier message id of every part a bind's SMSC took to D1 as soon as its
 * `submit_sm_resp` arrives (CONTRACT §12): ids arriving together are gathered for a few
 * milliseconds and written in one batch, one batch at a time. `add` resolves once its id is in D1,
 * so the bind reports a part accepted only when a receipt can find it.
 *
 * The batch also sets each delivery's own `carrier_message_id` (its first part's id) once every
 * part of it is stored: from then on it counts as handed to the carrier (billing, expiry, the
 * sweeps and the claim's "not submitted yet" rule), and a delivery with parts still missing is
 * still the pipeline's to submit (only the missing parts).
 */
export class IdWriter {
  private waiting: Waiting[] = [];
  private writing: Promise<void> | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly db: D1Database,
    private readonly carrier: string,
  ) {}

  add(part: TakenPart): Promise<void> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ part, resolve, reject });
      if (this.writing !== null) return;
      if (this.waiting.length >= MAX_BATCH) this.writeNow();
      else this.timer ??= setTimeout(() => this.writeNow(), GATHER_MS);
    });
  }

  private writeNow(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.writing ??= this.writeAll().finally(() => {
      this.writing = null;
      if (this.waiting.length > 0) this.writeNow();
    });
  }

  private async writeAll(): Promise<void> {
    while (this.waiting.length > 0) {
      const batch = this.waiting.splice(0, MAX_BATCH);
      try {
        await this.write(batch.map((w) => w.part));
        for (const w of batch) w.resolve();
      } catch (error) {
        log.error("smpp.ids_unwritten", { carrier: this.carrier, parts: batch.length, error });
        for (const w of batch) w.reject(error);
      }
    }
  }

  private async write(parts: TakenPart[]): Promise<void> {
    const db = this.db;
    const json = JSON.stringify(
      parts.map((p) => ({ id: p.id, delivery: p.deliveryId, index: p.index, total: p.total })),
    );
    const now = Date.now();
    const statements = [
      db.prepare(STORE_PARTS_SQL).bind(this.carrier, now, json),
      db.prepare(HANDED_OVER_SQL).bind(json, now),
    ];
    for (let attempt = 0; ; attempt++) {
      try {
        await db.batch(statements);
        return;
      } catch (error) {
        const pause = RETRY_PAUSES_MS[attempt];
        if (pause === undefined) throw error;
        await new Promise((resolve) => setTimeout(resolve, pause));
      }
    }
  }
}
