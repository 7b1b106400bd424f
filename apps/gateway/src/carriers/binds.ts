import type { WorkerEnv } from "../env";
import { log } from "../observability/logger";
import type { CarrierConfig } from "./settings";
import { bindName, bindOf } from "./smpp/stub";
import type { BindReport } from "./smpp/types";

/** One SMPP bind as operators see it (CONTRACT §12, `GET /admin/v1/carriers/{slug}`). */
export type BindState = BindReport;

/** A bind gets this long to say how it is: a stuck one must not hang the carrier view or the health view. */
export const BIND_STATE_TIMEOUT_MS = 2_000;

async function stateOf(env: WorkerEnv, carrier: string, n: number): Promise<BindState> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await Promise.race([
      bindOf(env, carrier, n).state(bindName(carrier, n)),
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`no answer within ${BIND_STATE_TIMEOUT_MS} ms`)),
          BIND_STATE_TIMEOUT_MS,
        );
      }),
    ]);
  } catch (error) {
    log.warn("smpp.state_unanswered", { carrier, bind: n, error });
    return {
      state: "failed",
      error: `The bind did not say how it is: ${error instanceof Error ? error.message : String(error)}`,
      window_in_use: 0,
      submits_last_minute: 0,
      receipts_last_minute: 0,
      resubmissions: 0,
      orphans: 0,
      last_error_at: null,
    };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The live state of each bind of an SMPP carrier, as its bind Durable Objects report it, asked all
 * at once: the carrier view and the health view show them. Another kind has no binds.
 */
export async function bindStates(env: WorkerEnv, carrier: CarrierConfig): Promise<BindState[]> {
  if (carrier.kind !== "smpp") return [];
  return Promise.all(Array.from({ length: carrier.settings.binds }, (_, n) => stateOf(env, carrier.slug, n)));
}
