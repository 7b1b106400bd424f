import type { CarrierHealth } from "./carriers";
import type { DeadLetterHealth } from "./dead-letters";
import type { PipelineHealth } from "./pipeline";
import { COUNT_CAP, THRESHOLDS } from "./thresholds";
import type { WebhookHealth } from "./webhooks";

type Parts = {
  pipeline: PipelineHealth;
  dead_letters: DeadLetterHealth;
  webhooks: WebhookHealth;
  carriers: CarrierHealth;
};

const minutes = (ms: number) => `${Math.round(ms / 60_000)} min`;
const count = (n: number) => (n >= COUNT_CAP ? `${n}+` : String(n));

/**
 * Why the gateway is `degraded`, one sentence per breached threshold (see `THRESHOLDS` for why each
 * one); empty when it is `ok`.
 */
export function problemsOf(parts: Parts): string[] {
  const problems: string[] = [];
  const { pipeline, dead_letters, webhooks, carriers } = parts;
  const pendingAge = pipeline.pending.oldest_age_seconds;
  if (pendingAge !== null && pendingAge * 1000 > THRESHOLDS.pendingMs) {
    problems.push(
      `Deliveries pending more than ${minutes(THRESHOLDS.pendingMs)} after their release (oldest ${pendingAge} s): the send queue is not being consumed`,
    );
  }
  if (pipeline.processing_without_carrier_id.count > 0) {
    problems.push(
      `${count(pipeline.processing_without_carrier_id.count)} deliveries claimed more than ${minutes(THRESHOLDS.unsubmittedMs)} ago without a carrier message id: a connector is not answering`,
    );
  }
  const dueAge = pipeline.dispatches_due.oldest_age_seconds;
  if (dueAge !== null && dueAge * 1000 > THRESHOLDS.dispatchOverdueMs) {
    problems.push(`Dispatches due ${dueAge} s ago are not released: the cron is not running or failing`);
  }
  if (pipeline.past_expiry.count > 0) {
    problems.push(
      `${count(pipeline.past_expiry.count)} deliveries still open more than ${minutes(THRESHOLDS.expiryOverdueMs)} past their validity: the expiry job is not running`,
    );
  }
  if (dead_letters.last_hour.messages > 0) {
    problems.push(
      `${count(dead_letters.last_hour.messages)} dead letters in the last hour (${count(dead_letters.last_hour.deliveries_failed)} deliveries failed 1501 and refunded)`,
    );
  }
  if (webhooks.pending.stalled > 0) {
    problems.push(
      `${count(webhooks.pending.stalled)} webhook events stalled (not handed to a dispatcher, or an attempt overdue by ${minutes(THRESHOLDS.webhookOverdueMs)}): the outbox sweep is not working`,
    );
  }
  for (const carrier of carriers.carriers) {
    // A carrier nothing is routed to costs no send, whatever its state.
    if (carrier.prefixes.length === 0 && !carrier.default_route) continue;
    const routes = [
      ...(carrier.prefixes.length > 0 ? [`routes ${carrier.prefixes.join(", ")}`] : []),
      ...(carrier.default_route ? ["the default route"] : []),
    ].join(" and ");
    if (carrier.enabled && carrier.has_connector) {
      // Its sends wait (transient, retried until their validity ends) while no bind can take them.
      (carrier.binds ?? []).forEach((bind, n) => {
        if (bind.state === "failed")
          problems.push(
            `Carrier "${carrier.slug}" bind #${n} failed (${routes}): ${bind.error ?? "no reason given"}`,
          );
      });
      continue;
    }
    problems.push(
      carrier.enabled
        ? `No connector for carrier "${carrier.slug}" (${routes}): its sends fail 1501`
        : `Carrier "${carrier.slug}" is disabled (${routes}): its sends fail 1501`,
    );
  }
  if (carriers.default_route === null && carriers.carriers.every((c) => c.prefixes.length === 0)) {
    problems.push(
      "No routes and no default route: every send fails 1501 (set them with PUT /admin/v1/routes)",
    );
  }
  return problems;
}
