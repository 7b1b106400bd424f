// One README block in the consumer project: written to a file of its own, then run as its kind says
// (see block-kind.ts). The report says what ran and what came back, for the test's failure message.
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { blockKind, webhookPath } from "./block-kind.ts";
import { consumerEnv } from "./consumer-project.ts";
import type { ReadmeBlock } from "./readme-blocks.ts";
import { checkServerBlock, checkWorkerBlock, type ReceiverRun } from "./receiver-checks.ts";
import { describeRun, runCommand } from "./run-command.ts";
import { newWebhookSecret, type WebhookRequest, webhookRequests } from "./signed-webhooks.ts";

/** Where a block lives in the consumer project, e.g. `readme-blocks/client-04.ts`. */
export function blockFile(block: ReadmeBlock): string {
  const readme = path.basename(path.dirname(block.readme)) || "readme";
  const extension = block.language === "ts" ? "ts" : "js";
  return path.join("readme-blocks", `${readme}-${String(block.index).padStart(2, "0")}.${extension}`);
}

/** Writes every block to its file (the type check needs them all before any runs). */
export function writeBlocks(consumerDir: string, blocks: ReadmeBlock[]): void {
  mkdirSync(path.join(consumerDir, "readme-blocks"), { recursive: true });
  for (const block of blocks) writeFileSync(path.join(consumerDir, blockFile(block)), block.code);
}

export type BlockContext = {
  consumerDir: string;
  /** LISOLOO_API_KEY, LISOLOO_BASE_URL and LISOLOO_WEBHOOK_SECRET among the rest. */
  env: NodeJS.ProcessEnv;
  node: string;
  /** Fresh signed requests for each receiver (timestamps of now). */
  requests: () => WebhookRequest[];
  /** How long a script block may run; the README rules give it 60 s. */
  scriptTimeoutMs?: number;
};

/**
 * What README blocks run with, as the README rules promise: the consumer project, Node 22 (it strips
 * types), the local gateway's sandbox key in LISOLOO_API_KEY and LISOLOO_BASE_URL, and a fresh
 * `whsec_` secret in LISOLOO_WEBHOOK_SECRET that the webhooks sent to receivers are signed with.
 */
export function readmeBlockContext(setup: {
  consumerDir: string;
  cacheDir: string;
  gateway: { baseUrl: string; apiKey: string };
}): BlockContext {
  const secret = newWebhookSecret();
  const env = consumerEnv(setup.cacheDir, {
    LISOLOO_API_KEY: setup.gateway.apiKey,
    LISOLOO_BASE_URL: setup.gateway.baseUrl,
    LISOLOO_WEBHOOK_SECRET: secret,
  });
  return {
    consumerDir: setup.consumerDir,
    env,
    node: process.execPath,
    requests: () => webhookRequests(secret),
  };
}

// The README rules give any block that is not a receiver 60 s to finish.
const SCRIPT_WITHIN_MS = 60_000;

export async function runBlock(block: ReadmeBlock, context: BlockContext): Promise<ReceiverRun> {
  const file = blockFile(block);
  const kind = blockKind(block.code);
  const receiver = { ...context, requests: context.requests(), route: webhookPath(block.code) };
  if (kind === "worker") {
    const run = await checkWorkerBlock(file, receiver);
    return { ok: run.ok, report: `Worker module: fetch called with signed webhooks\n${run.report}` };
  }
  if (kind === "server") {
    const run = await checkServerBlock(file, receiver);
    return { ok: run.ok, report: `Node server: started with PORT, sent signed webhooks\n${run.report}` };
  }
  const timeoutMs = context.scriptTimeoutMs ?? SCRIPT_WITHIN_MS;
  const ran = await runCommand(context.node, [file], {
    cwd: context.consumerDir,
    env: context.env,
    timeoutMs,
  });
  return {
    ok: ran.code === 0,
    report: `script: must exit 0 within ${timeoutMs / 1000} s\n${describeRun(ran)}`,
  };
}
