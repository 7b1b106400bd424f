// `lisoloo smoke`: the one command that tells an operator a deployment works, before and after a
// release. Its help says what it checks, with which key, and what it creates and takes down.
import { runSmoke } from "./run.mjs";
import { DEFAULT_TIMEOUT_SECONDS, smokeSettings } from "./settings.mjs";

const about = `What it checks, one line each (✓ passed, ✗ failed, – skipped, with what was seen):
  health       GET /health answers status ok, with its environment and version
  openapi      GET /openapi.json is served and parses as an OpenAPI 3.1 document
  auth error   a wrong app-key answers 401 1001 in the documented error envelope
  field error  a send to an invalid number answers 400 1104, its details naming to[0]
  send         a sandbox send to +243998857000 (delivered), +999000000001 (undelivered 1504) and
               +999000000005 (failed 1501) reaches its final state in GET /status within --timeout
  balance      GET /balance moved by the debit less the 1501 refund (carrier outcomes are billed)
  webhook      the send's events reach a receiver this command starts, signed (checked with
               verifyWebhook from @lisoloo/client/webhooks) and with the Basic login that was set
  cleanup      the throwaway key is revoked, and then refused (401 1001)

Keys: field error, send and balance use --api-key when given (your own sandbox key; keep its merchant
idle during the run, since the balance check counts on it), else the throwaway key. The webhook check
always uses the throwaway key, so no real key's webhook settings are touched. --base-url and
--admin-token alone are enough.

Throwaway merchant: with the admin token, the smoke test creates through the admin API a merchant
named "smoke <time>" with 1.00 prepaid and a key whose webhook points at its receiver, with a random
Basic login. At the end, whatever happened (a failure, Ctrl-C), it revokes that key; the merchant and
its sends stay, as any merchant's do.

Webhook receiver: listens on 127.0.0.1 (--webhook-port, else any free port). When --base-url is
local (127.0.0.1, localhost) the gateway posts to http://127.0.0.1:<port> directly, which local
development allows. A deployed gateway reaches only public https URLs: forward one to the port (a
tunnel) and give it as --webhook-url. Without either, the webhook check is skipped, saying why.

Production (GET /health says so): nothing is sent and no merchant is made; send, balance and webhook
are skipped, and field error runs only with --api-key.

Exit status: 0 when no check failed (skipped ones say why), 1 when one failed, 2 for a mistyped
command or missing settings.`;

const environment = `Environment (read when the flag is absent):
  LISOLOO_BASE_URL  --base-url
  LISOLOO_API_KEY   --api-key
  ADMIN_TOKEN       --admin-token`;

/** @type {import("../commands.mjs").ProgramCommand} */
export const smokeCommand = {
  group: "smoke",
  name: "",
  summary: "Check that a deployment works: health, OpenAPI, errors, a sandbox send, balance, webhooks",
  args: [],
  options: {
    "base-url": {
      type: "string",
      value: "origin",
      description: "The gateway's origin, e.g. https://sms.example.org (required)",
    },
    "admin-token": {
      type: "string",
      value: "token",
      description: "The deployment's admin token: makes the throwaway merchant and key",
    },
    "api-key": {
      type: "string",
      value: "sk_test_…",
      description: "Your own key for field error, send and balance (default: the throwaway key)",
    },
    "webhook-url": {
      type: "string",
      value: "https-url",
      description: "A public URL that forwards to the receiver (needs --webhook-port)",
    },
    "webhook-port": {
      type: "string",
      value: "N",
      description: "The receiver's port on 127.0.0.1 (default: any free port)",
    },
    timeout: {
      type: "string",
      value: "seconds",
      description: `How long to wait for the final state and for the webhooks (default ${DEFAULT_TIMEOUT_SECONDS})`,
    },
  },
  help: { about, environment, json: "Print the results as one JSON object instead of lines" },
  execute: async (values, io) => {
    const settings = smokeSettings(values, io.env);
    // Ctrl-C (or a CI job's SIGTERM) ends the checks but not the cleanup; a second one is final.
    const interrupted = new AbortController();
    const stop = () => interrupted.abort();
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
    try {
      return await runSmoke(settings, io, interrupted.signal);
    } finally {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
    }
  },
};
