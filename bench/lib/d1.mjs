// Read-only access to the local D1 database of a bench gateway, for the server-side timestamps the
// pipeline records (when a delivery was claimed, submitted, finished). Never written to.
import { readdirSync } from "node:fs";
import path from "node:path";
import { DatabaseSync } from "node:sqlite";

/**
 * Opens the gateway's local D1 file read-only.
 *
 * @param {{ stateDir: string }} gateway
 * @returns {DatabaseSync}
 */
export function openLocalD1(gateway) {
  const dir = path.join(gateway.stateDir, "v3", "d1", "miniflare-D1DatabaseObject");
  const file = readdirSync(dir).find((name) => name.endsWith(".sqlite") && name !== "metadata.sqlite");
  if (!file) throw new Error(`No D1 database in ${dir}`);
  return new DatabaseSync(path.join(dir, file), { readOnly: true });
}

/**
 * Per delivery of the given sends: accepted (the send's created_at), claimed by the consumer
 * (processing_at), handed to the carrier (sent_at, the carrier's own stamp), and the moment the last
 * state change was applied (updated_at), all Unix ms from the gateway's clock.
 *
 * @param {DatabaseSync} db
 * @param {string[]} sendIds
 * @returns {{ accepted: number, claimed: number | null, submitted: number | null, finished: number, status: string }[]}
 */
export function deliveryTimes(db, sendIds) {
  return /** @type {any[]} */ (
    db
      .prepare(
        `SELECT s.created_at AS accepted, d.processing_at AS claimed, d.sent_at AS submitted,
                d.updated_at AS finished, d.status AS status
         FROM deliveries d JOIN sends s ON s.id = d.send_id
         WHERE d.send_id IN (SELECT value FROM json_each(?))`,
      )
      .all(JSON.stringify(sendIds))
  );
}
