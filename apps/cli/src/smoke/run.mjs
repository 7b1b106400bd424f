// The order of the smoke test: what anyone can see first, then what needs a key, then the webhook,
// and always, last, the throwaway key revoked. Each check says what it saw; one failing does not stop
// the others, so a single run shows everything that is wrong with a deployment.
import { checkAuthError, checkFieldError } from "./error-checks.mjs";
import { gatewayHttp } from "./http.mjs";
import { startReceiver } from "./receiver.mjs";
import { createReport, failed, passed, skipped } from "./report.mjs";
import { checkBilling, followSend, postSmokeSend, readBalance } from "./send-checks.mjs";
import { checkHealth, checkOpenApi } from "./service-checks.mjs";
import { maskKey } from "./settings.mjs";
import { createThrowaway, describeThrowaway, revokeThrowaway } from "./throwaway.mjs";
import { checkWebhook } from "./webhook-check.mjs";

/**
 * @typedef {import("./settings.mjs").SmokeSettings} SmokeSettings
 * @typedef {import("./throwaway.mjs").Throwaway} Throwaway
 * @typedef {{ skip: string } | { port: number; url: string | undefined }} WebhookPlan
 */

const localHosts = new Set(["127.0.0.1", "localhost", "[::1]"]);

/**
 * Where the gateway can post the webhooks, or why the webhook check cannot run.
 * @param {SmokeSettings} settings
 * @param {string | null} noSends why nothing may be sent, if so
 * @returns {WebhookPlan}
 */
export function webhookPlan(settings, noSends) {
  if (noSends) return { skip: noSends };
  if (!settings.adminToken)
    return { skip: "no admin token, so no throwaway key to receive the webhooks (give --admin-token)" };
  if (settings.webhookUrl) return { port: settings.webhookPort ?? 0, url: settings.webhookUrl };
  // Local development accepts http://127.0.0.1 webhooks (ALLOW_HTTP_LOCALHOST_WEBHOOKS).
  if (localHosts.has(new URL(settings.baseUrl).hostname))
    return { port: settings.webhookPort ?? 0, url: undefined };
  return {
    skip: `a deployed gateway reaches only public URLs: give --webhook-url <public https URL> that forwards to --webhook-port <port> on this machine`,
  };
}

/**
 * Runs every check against the gateway and returns the exit status (0 none failed, 1 one did).
 * @param {SmokeSettings} settings
 * @param {{ fetch: typeof fetch; stdout: (text: string) => void }} io
 * @param {AbortSignal} signal aborted on Ctrl-C: the checks stop, the cleanup still runs
 * @returns {Promise<number>}
 */
export async function runSmoke(settings, io, signal) {
  const report = createReport(io, settings);
  const http = gatewayHttp(io.fetch, settings.baseUrl);
  const wait = { timeoutMs: settings.timeoutMs, signal };
  /** @type {typeof report.check} */
  const step = (name, key, body) =>
    report.check(name, key, () => (signal.aborted ? failed("interrupted") : body()));
  const merchantKey = settings.apiKey ? `your key ${maskKey(settings.apiKey)}` : "the throwaway key";

  report.note(`Smoke test of ${settings.baseUrl}`);
  report.note(
    `field error, send and balance use ${merchantKey}${settings.adminToken ? "; the webhook check uses the throwaway key" : ""}`,
  );

  const health = await step("health", null, () => checkHealth(http));
  /** @type {"sandbox" | "production" | undefined} */
  const environment = health.value?.environment;
  await step("openapi", null, () => checkOpenApi(http, health.value?.version));
  await step("auth error", null, () => checkAuthError(http, environment));

  const noSends =
    environment === undefined
      ? "the environment is unknown (GET /health failed), so nothing is sent"
      : environment === "production"
        ? "production: a send would reach a real carrier, so nothing is sent"
        : null;
  const plan = webhookPlan(settings, noSends);
  const token = settings.adminToken ?? "";
  /** @type {import("./receiver.mjs").Receiver | null} */
  let receiver = null;
  /** @type {string | null} */
  let receiverError = null;
  /** @type {Throwaway | null} */
  let throwaway = null;
  /** @type {{ keyId: string; apiKey: string } | null} */
  let madeKey = null;
  try {
    if ("port" in plan) {
      receiver = await startReceiver(plan.port).catch((error) => {
        receiverError = `the webhook receiver cannot listen on 127.0.0.1:${plan.port}: ${error.message}`;
        return null;
      });
    }
    if (!noSends && settings.adminToken && (!settings.apiKey || receiver)) {
      const webhookUrl =
        receiver && "port" in plan ? (plan.url ?? `http://127.0.0.1:${receiver.port}/`) : null;
      await step("setup", null, async () => {
        throwaway = await createThrowaway(http, token, webhookUrl, (key) => {
          madeKey = key;
        });
        return passed(describeThrowaway(throwaway));
      });
    }
    const made = /** @type {Throwaway | null} */ (throwaway);
    if (made?.webhook) receiver?.expect(made.webhook);

    const key = settings.apiKey ?? made?.apiKey;
    const label = settings.apiKey ? "your key" : "throwaway key";
    const noKey = `no key: ${noSends ?? "the throwaway setup failed"}; give --api-key`;
    await step("field error", label, () => (key ? checkFieldError(http, key) : skipped(noKey)));

    /** @type {import("@lisoloo/protocol/schemas").SendData | null} */
    let accepted = null;
    if (noSends || !key) {
      for (const name of ["send", "balance"]) await step(name, label, () => skipped(noSends ?? noKey));
    } else {
      const before = await readBalance(http, key).catch((/** @type {Error} */ error) => error);
      const send = await step("send", label, async () => {
        const sentAt = Date.now();
        accepted = await postSmokeSend(http, key);
        return followSend(http, key, accepted, wait, sentAt);
      });
      await step("balance", label, async () => {
        if (before instanceof Error) return failed(before.message);
        if (!accepted || send.outcome !== "passed")
          return skipped("the send did not end as expected, so its billing cannot be judged");
        return checkBilling(before, await readBalance(http, key), accepted);
      });
    }

    await step("webhook", "throwaway key", async () => {
      if ("skip" in plan) return skipped(plan.skip);
      if (receiverError || !receiver) return failed(receiverError ?? "no receiver");
      if (!made) return skipped("no throwaway key (the setup failed)");
      if (!made.webhook) {
        const refusal = made.webhookRefusal ?? "the webhook was not set";
        // A URL the operator gave must work; the automatic local one depends on the dev setting.
        return plan.url
          ? failed(refusal)
          : skipped(
              `${refusal} (local development sets ALLOW_HTTP_LOCALHOST_WEBHOOKS=true; or give --webhook-url)`,
            );
      }
      const ownSend = settings.apiKey ? await postSmokeSend(http, made.apiKey) : accepted;
      if (!ownSend) return skipped("the send was not accepted, so no events can come");
      return checkWebhook(receiver, ownSend.message_id, wait);
    });
  } finally {
    // Whatever happened above, the throwaway key goes out of service.
    const toRevoke = /** @type {{ keyId: string; apiKey: string } | null} */ (madeKey);
    if (toRevoke) await report.check("cleanup", null, () => revokeThrowaway(http, token, toRevoke));
    await receiver?.close();
  }
  return report.finish();
}
