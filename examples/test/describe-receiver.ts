// One language's webhook receiver, started as the README says, fed by a real send through the gateway
// (its own send example with CALLBACK_URL), then by hand-made requests it must refuse or ignore.
import { randomBytes, randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { freePort } from "@lisoloo/dev-gateway";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { Language } from "./languages";
import { type Background, printedJson, run, start, waitFor } from "./processes";
import { configureDevKeyWebhook, otherSecret, postEvent, webhookAttempts } from "./webhooks";

const lifecycle = ["sms.queued", "sms.processing", "sms.sent", "sms.delivered"];

export function describeReceiver(lang: Language): void {
  describe("webhook-receiver", () => {
    let receiver: Background;
    let url: string;
    let secret: string;
    let seenDir: string;
    const login = () => ({
      username: inject("gateway").webhookUsername,
      password: inject("gateway").webhookPassword,
    });

    beforeAll(async () => {
      secret = await configureDevKeyWebhook();
      const port = await freePort();
      url = `http://127.0.0.1:${port}/lisoloo/webhook`;
      seenDir = mkdtempSync(path.join(tmpdir(), "lisoloo-webhook-events-"));
      receiver = start(lang.receiver(port), {
        PORT: String(port),
        WEBHOOK_USERNAME: login().username,
        WEBHOOK_PASSWORD: login().password,
        WEBHOOK_SECRET: secret,
        WEBHOOK_EVENTS_DIR: seenDir,
      });
      // Listening once it turns away a request without a login.
      await waitFor(
        async () => {
          if (receiver.exited()) throw new Error(`The receiver exited:\n${receiver.output()}`);
          const status = await postEvent(url, { secret, auth: null }).catch(() => undefined);
          return status === 401 ? status : undefined;
        },
        () => `the receiver to answer on ${url}:\n${receiver.output()}`,
        30_000,
      );
    }, 60_000);

    afterAll(async () => {
      await receiver?.stop();
      if (seenDir) rmSync(seenDir, { recursive: true, force: true });
    });

    it("verifies every event of a real send to its callback_url", { timeout: 120_000 }, async () => {
      const sent = await run(lang.example("send-sms"), {
        BASE_URL: inject("gateway").baseUrl,
        API_KEY: inject("gateway").apiKey,
        CALLBACK_URL: url,
      });
      const messageId = String(printedJson(sent).data.message_id);
      expect(sent.code, sent.stderr).toBe(0);
      // Events arrive in any order (DOCS §18); wait until all four were printed.
      await waitFor(
        () => (lifecycle.every((type) => verified(receiver.output(), type, messageId)) ? true : undefined),
        async () =>
          `${lifecycle.join(", ")} for ${messageId}. Receiver printed:\n${receiver.output()}\n` +
          `The gateway's attempts:\n${await webhookAttempts(messageId)}\nGateway log: ${inject("gateway").logFile}`,
        90_000,
      );
      expect(receiver.output()).toMatch(
        new RegExp(`^verified sms\\.delivered ${messageId} \\+243998857000$`, "m"),
      );
    });

    it("refuses a missing or wrong Basic login with 401", async () => {
      expect(await postEvent(url, { secret, auth: null })).toBe(401);
      expect(await postEvent(url, { secret, auth: { ...login(), password: "not-the-password" } })).toBe(401);
      expect(await postEvent(url, { secret, auth: { ...login(), username: "someone-else" } })).toBe(401);
    });

    it("refuses a bad signature or a stale timestamp with 400", async () => {
      expect(await postEvent(url, { secret: otherSecret(), auth: login() })).toBe(400);
      const tenMinutesAgo = Math.floor(Date.now() / 1000) - 600;
      expect(await postEvent(url, { secret, auth: login(), timestamp: tenMinutesAgo })).toBe(400);
    });

    it("handles a redelivered event_id once", async () => {
      const event = {
        secret,
        auth: login(),
        eventId: randomUUID(),
        messageId: randomBytes(12).toString("hex"),
      };
      expect(await postEvent(url, event)).toBeLessThan(300);
      expect(await postEvent(url, event)).toBeLessThan(300);
      await waitFor(
        () => (receiver.output().includes(`duplicate ${event.eventId}`) ? true : undefined),
        () => `"duplicate ${event.eventId}":\n${receiver.output()}`,
        10_000,
      );
      const lines = receiver
        .output()
        .match(new RegExp(`^verified sms\\.delivered ${event.messageId}\\b`, "gm"));
      expect(lines).toHaveLength(1);
    });
  });
}

function verified(output: string, type: string, messageId: string): boolean {
  return new RegExp(`^verified ${type.replace(".", "\\.")} ${messageId}\\b`, "m").test(output);
}
