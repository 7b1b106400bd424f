// The block runner on blocks written here, in the real consumer project: correct receivers and scripts
// pass, and a receiver that answers anything, a script that fails and one that never ends are caught.
import { beforeAll, describe, expect, inject, it } from "vitest";
import { type ReadmeBlock, readmeBlocks } from "../src/readme-blocks.ts";
import { readmeBlockContext, runBlock, writeBlocks } from "../src/run-block.ts";

const context = readmeBlockContext(inject("packageCheck"));
const { consumerDir } = context;

const verifyingWorker = `import { verifyWebhook, WebhookVerificationError } from "@lisoloo/client/webhooks";

export default {
  async fetch(request: Request): Promise<Response> {
    try {
      await verifyWebhook(await request.text(), request.headers, process.env.LISOLOO_WEBHOOK_SECRET ?? "");
      return new Response(null, { status: 204 });
    } catch (error) {
      if (!(error instanceof WebhookVerificationError)) throw error;
      return new Response(null, { status: error.reason === "unknown_event_type" ? 204 : 400 });
    }
  },
};`;

const verifyingExpress = `import express from "express";
import { verifyWebhook, WebhookVerificationError } from "@lisoloo/client/webhooks";

const app = express();
app.post("/webhooks/lisoloo", express.raw({ type: "application/json" }), async (req, res) => {
  try {
    await verifyWebhook(req.body, req.headers, process.env.LISOLOO_WEBHOOK_SECRET ?? "");
    res.sendStatus(204);
  } catch (error) {
    if (!(error instanceof WebhookVerificationError)) throw error;
    res.sendStatus(error.reason === "unknown_event_type" ? 204 : 400);
  }
});
app.listen(Number(process.env.PORT ?? 3000));`;

const trustingServer = `import { createServer } from "node:http";

createServer((req, res) => {
  res.statusCode = 204;
  res.end();
}).listen(Number(process.env.PORT ?? 3000));`;

const balanceScript = `import { createLisolooClient } from "@lisoloo/client";

const lisoloo = createLisolooClient({ apiKey: process.env.LISOLOO_API_KEY ?? "", baseUrl: process.env.LISOLOO_BASE_URL });
console.log((await lisoloo.balance()).currency);`;

/** The blocks above as one README of the `runner-self-check` package, so they get files of their own. */
const readme = [
  "verifyingWorker",
  "verifyingExpress",
  "trustingServer",
  "balanceScript",
  "failing",
  "endless",
];
const sources = [
  verifyingWorker,
  verifyingExpress,
  trustingServer,
  balanceScript,
  "process.exit(3);",
  "setInterval(() => {}, 1000);",
];
const blocks = readmeBlocks(
  sources.map((code) => `\`\`\`ts\n${code}\n\`\`\``).join("\n\n"),
  "tooling/runner-self-check/README.md",
);
const block = (name: string): ReadmeBlock => {
  const found = blocks[readme.indexOf(name)];
  if (!found) throw new Error(`no block ${name}`);
  return found;
};
beforeAll(() => writeBlocks(consumerDir, blocks));

describe("passes", () => {
  it("a Worker module that verifies: ping and delivery 2xx, forgery refused", async () => {
    const run = await runBlock(block("verifyingWorker"), context);
    expect(run, run.report).toMatchObject({ ok: true });
  });

  it("an Express server that verifies, on its route", async () => {
    const run = await runBlock(block("verifyingExpress"), context);
    expect(run, run.report).toMatchObject({ ok: true });
    expect(run.report).toContain("/webhooks/lisoloo");
  });

  it("a script that calls the local gateway with the key from the environment", async () => {
    const run = await runBlock(block("balanceScript"), context);
    expect(run, run.report).toMatchObject({ ok: true });
  });
});

describe("fails", () => {
  it("a server that answers 2xx to a forged signature", async () => {
    const run = await runBlock(block("trustingServer"), context);
    expect(run.ok).toBe(false);
    expect(run.report).toMatch(/FAIL sms\.delivered signed with another secret: 204 \(wanted not 2xx\)/);
  });

  it("a script that exits non-zero", async () => {
    const run = await runBlock(block("failing"), context);
    expect(run.ok).toBe(false);
    expect(run.report).toContain("(exit 3)");
  });

  it("a script that never ends, once its time is up", async () => {
    const run = await runBlock(block("endless"), { ...context, scriptTimeoutMs: 2_000 });
    expect(run.ok).toBe(false);
    expect(run.report).toContain("timed out");
  });
});
