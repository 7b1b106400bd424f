import { stalledAfterMs, sweepGraceMs } from "../../webhooks/outbox/sweep";

/**
 * Every count of the health view stops at this many rows, so each query reads a bounded slice of an
 * index however large a backlog grows: a count equal to it means "at least this many".
 */
export const COUNT_CAP = 10_000;

/** Backlog age bands reported for pending and processing deliveries. */
export const AGE_BANDS_MS = { older_than_1m: 60_000, older_than_5m: 5 * 60_000, older_than_1h: 3_600_000 };

/**
 * What turns the health view `degraded`. Each is something the gateway itself should have done by
 * now; what merchants' endpoints or carriers' handsets do (dead webhook events, keys suspended for
 * abuse, deliveries awaiting a receipt) is shown but does not count.
 */
export const THRESHOLDS = {
  /**
   * A released delivery is claimed within seconds and the stuck-dispatch sweep re-queues it after two
   * minutes: still pending five minutes after its release, the queue consumer is failing or behind.
   */
  pendingMs: 5 * 60_000,
  /**
   * Claimed (`processing`) but still without a carrier message id after two minutes: the connector
   * does not answer its submits, and these deliveries will end by dead letter or validity timeout.
   */
  unsubmittedMs: 2 * 60_000,
  /** The cron releases due dispatches every minute: one due two minutes ago and still scheduled means it is not running. */
  dispatchOverdueMs: 2 * 60_000,
  /** The cron ends expired deliveries every minute: two minutes past expiry and still open means that job is not running. */
  expiryOverdueMs: 2 * 60_000,
  /** Any dead letter in the last hour: a dispatch chunk no carrier could take, its deliveries failed 1501 and refunded. */
  deadLetterWindowMs: 3_600_000,
  /**
   * The sweep hands over an event nobody took once it is `sweepGraceMs` old, on the next minute's run:
   * still untaken two minutes after that, the sweep is not working.
   */
  webhookUntakenMs: sweepGraceMs + 2 * 60_000,
  /** An attempt overdue this long means its dispatcher lost the event (the sweep's own stall rule). */
  webhookOverdueMs: stalledAfterMs,
} as const;
