import { env } from "cloudflare:workers";

declare global {
  namespace Cloudflare {
    interface Env {
      /** Base URL of the HTTP receiver started by test/global-setup.ts. */
      WEBHOOK_RECEIVER_URL: string;
    }
  }
}

/** One answer the receiver gives; `delayMs` holds the answer back (past the timeout = a hang). */
export type ScriptedResponse = {
  status: number;
  headers?: Record<string, string>;
  body?: string;
  /** Raw bytes to answer with instead of `body` (a compressed answer, for one). */
  bodyBase64?: string;
  delayMs?: number;
};

export type ReceivedRequest = {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string;
  receivedAt: number;
};

/** A receiver URL no other test uses, so records and dispatchers never mix. */
export function receiverEndpoint(): { path: string; url: string } {
  const path = `/hooks/${crypto.randomUUID()}`;
  return { path, url: `${env.WEBHOOK_RECEIVER_URL}${path}` };
}

/** Tells the receiver how to answer the next requests to `path` (the last answer repeats). */
export async function scriptReceiver(path: string, responses: ScriptedResponse[]): Promise<void> {
  const res = await fetch(`${env.WEBHOOK_RECEIVER_URL}/__script`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ path, responses }),
  });
  if (!res.ok) throw new Error(`receiver script failed: ${res.status}`);
  await res.body?.cancel();
}

/** Everything `path` received so far, in arrival order. */
export async function receivedAt(path: string): Promise<ReceivedRequest[]> {
  const res = await fetch(`${env.WEBHOOK_RECEIVER_URL}/__records?path=${encodeURIComponent(path)}`);
  return (await res.json()) as ReceivedRequest[];
}

/**
 * Polls until `path` has received `count` distinct events (`webhook-id`s), then returns everything it
 * received. Only counts travel while waiting, so polling a burst of thousands costs the system under
 * test next to nothing.
 */
export async function waitForDistinct(
  path: string,
  count: number,
  timeoutMs = 5000,
): Promise<ReceivedRequest[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await fetch(`${env.WEBHOOK_RECEIVER_URL}/__count?path=${encodeURIComponent(path)}`);
    const { distinct } = (await res.json()) as { requests: number; distinct: number };
    if (distinct >= count || Date.now() > deadline) return receivedAt(path);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Polls until `path` has received `count` requests (for deliveries driven by a real alarm). */
export function waitForRequests(path: string, count: number, timeoutMs = 5000): Promise<ReceivedRequest[]> {
  return waitForRequest(path, (received) => received.length >= count, timeoutMs);
}

/** Polls until what `path` received satisfies `done`, or the time is up; returns all of it. */
export async function waitForRequest(
  path: string,
  done: (received: ReceivedRequest[]) => boolean,
  timeoutMs = 5000,
): Promise<ReceivedRequest[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const received = await receivedAt(path);
    if (done(received) || Date.now() > deadline) return received;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
