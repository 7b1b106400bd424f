import { isDeliveryStatus, isTerminal, type MessageStatus } from "@lisoloo/protocol/lifecycle";
import type { StatusData } from "@lisoloo/protocol/schemas";
import { LisolooWaitTimeoutError } from "./errors.js";
import { sleep } from "./sleep.js";

/**
 * Whether a send's aggregate status never changes again: `delivered`, `partially_delivered`,
 * `undelivered`, `rejected`, `expired`, `delivery_unknown`, `failed` or `cancelled`. `scheduled`
 * and `paused` are not final (dispatches are still to come).
 * @example
 * isFinalStatus("partially_delivered"); // true
 * isFinalStatus("sent"); // false
 */
export function isFinalStatus(status: MessageStatus): boolean {
  return isDeliveryStatus(status) && isTerminal(status);
}

/** Options of `waitForFinal`. */
export interface WaitForFinalOptions {
  /** Pause between two status reads. Default 1000 (the status bucket allows 120 reads a minute). */
  intervalMs?: number;
  /** How long to wait in all. Default 120 000. Checked between reads. */
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** Polls `readStatus` until the status is final, the time is up or the signal aborts. */
export async function pollUntilFinal(
  messageId: string,
  readStatus: () => Promise<StatusData>,
  options: WaitForFinalOptions,
): Promise<StatusData> {
  const intervalMs = options.intervalMs ?? 1000;
  const timeoutMs = options.timeoutMs ?? 120_000;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const last = await readStatus();
    if (isFinalStatus(last.status)) return last;
    const left = deadline - Date.now();
    if (left <= 0) throw new LisolooWaitTimeoutError(messageId, timeoutMs, last);
    await sleep(Math.min(intervalMs, left), options.signal);
  }
}
