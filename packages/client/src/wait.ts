import { isDeliveryStatus, isTerminal, type MessageStatus } from "@lisoloo/protocol/lifecycle";
import type { StatusData } from "@lisoloo/protocol/schemas";
import { LisolooWaitTimeoutError } from "./errors.js";
import type { RetryOptions } from "./retry.js";
import { sleep } from "./sleep.js";

/**
 * Whether a send's aggregate status never changes again: `delivered`, `partially_delivered`,
 * `undelivered`, `rejected`, `expired`, `delivery_unknown`, `failed` or `cancelled`. `scheduled`
 * and `paused` are not final (dispatches are still to come).
 *
 * @example
 * import { isFinalStatus } from "@lisoloo/client";
 *
 * console.log(isFinalStatus("partially_delivered")); // true
 * console.log(isFinalStatus("sent")); // false
 * console.log(isFinalStatus("scheduled")); // false: dispatches are still to come
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
  /**
   * Budget of each status read, instead of the client's `timeoutMs` (here `timeoutMs` is the whole
   * wait).
   */
  requestTimeoutMs?: number;
  /** Retry policy of each status read: the fields given replace the client's, `false` tries once. */
  retry?: RetryOptions | false;
}

/**
 * Reads the status with `read` until it is final, the time is up or the signal aborts, and returns
 * the last read.
 */
export async function pollUntilFinal<R>(
  messageId: string,
  read: () => Promise<R>,
  statusOf: (result: R) => StatusData,
  options: WaitForFinalOptions,
): Promise<R> {
  const intervalMs = options.intervalMs ?? 1000;
  const timeoutMs = options.timeoutMs ?? 120_000;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const result = await read();
    const last = statusOf(result);
    if (isFinalStatus(last.status)) return result;
    const left = deadline - Date.now();
    if (left <= 0) throw new LisolooWaitTimeoutError(messageId, timeoutMs, last);
    await sleep(Math.min(intervalMs, left), options.signal);
  }
}
