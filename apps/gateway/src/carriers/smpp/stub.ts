import type { WorkerEnv } from "../../env";

/** The name of a carrier's `n`-th bind (0-based): its Durable Object is `idFromName` of it. */
export function bindName(carrier: string, n: number): string {
  return `${carrier}#${n}`;
}

/** @example await bindOf(env, "vodacom-cd", 0).state() */
export function bindOf(env: WorkerEnv, carrier: string, n: number) {
  return env.SMPP_BIND.get(env.SMPP_BIND.idFromName(bindName(carrier, n)));
}

/** Tells the bind named `source` (`slug#n`) that `count` of its receipts ended as orphans. */
export async function noteOrphans(env: WorkerEnv, source: string, count: number): Promise<void> {
  if (!/^[a-z0-9-]+#\d+$/.test(source)) return;
  await env.SMPP_BIND.get(env.SMPP_BIND.idFromName(source)).noteOrphans(count);
}
