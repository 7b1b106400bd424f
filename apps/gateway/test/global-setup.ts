/**
 * Node side of the test run: a real HTTP webhook receiver on 127.0.0.1, reachable from the Worker
 * under test. It records every request and answers each path as a test scripts it:
 *
 * - `POST /__script` `{ path, responses: [{ status, headers?, body?, bodyBase64?, delayMs? }] }` —
 *   answers for the next requests to `path`, in order; the last one repeats. Unscripted paths answer
 *   200. `bodyBase64` answers raw bytes instead of `body` (a compressed answer, for one).
 * - `GET /__records?path=…` — the requests `path` received: method, headers, body, arrival time.
 * - `GET /__count?path=…` — `{ requests, distinct }`: how many requests and distinct `webhook-id`s it
 *   received; cheap to poll while thousands arrive, where fetching every record would compete with them.
 *
 * Beside it, a real SMPP 3.4 SMSC (`@lisoloo/smsc-simulator`) on an ephemeral port, for the SMPP
 * connector's tests: the Worker binds to it with `connect()` and scripts it through its control URL.
 * Account `lisoloo` with a password no other text in a run contains (the password tests look for
 * it in every answer and log line); receipts 20 ms after each `submit_sm_resp`.
 *
 * And a real Kannel (test/kannel.ts) bound to a second simulator, for the HTTP relay connector's
 * tests: its sendsms URL goes to the Worker as `KANNEL_SENDSMS_URL`. Kannel's delivery reports go to
 * the dlr-url the Worker gave it, whose base (`PUBLIC_BASE_URL`) is this receiver: the Worker under
 * test listens on no port, so the receiver records each report verbatim (with its query, `url`) and
 * the tests replay it into the Worker. Without Kannel installed the relay tests are skipped, with the
 * reason; in CI a missing Kannel fails the run.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { startSmsc } from "@lisoloo/smsc-simulator";
import type { TestProject } from "vitest/node";
import { KANNEL_SMSC_ID, KANNEL_USER, type Kannel, kannelMissing, startKannel } from "./kannel";

declare module "vitest" {
  export interface ProvidedContext {
    webhookReceiverUrl: string;
    smscPort: number;
    smscControlUrl: string;
    smscPassword: string;
    /** Empty when Kannel is not installed (then `kannelSkipped` says why). */
    kannelSendsmsUrl: string;
    kannelSkipped: string;
    kannelSmscId: string;
    kannelUsername: string;
    kannelPassword: string;
    kannelSmscControlUrl: string;
  }
}

type ScriptedResponse = {
  status: number;
  headers?: Record<string, string>;
  body?: string;
  /** Raw bytes to answer with instead of `body` (a compressed answer, for one). */
  bodyBase64?: string;
  delayMs?: number;
};
type RecordedRequest = {
  method: string;
  path: string;
  /** The path with its query, as the client sent it. */
  url: string;
  headers: Record<string, string>;
  body: string;
  receivedAt: number;
};

const scripts = new Map<string, ScriptedResponse[]>();
const records = new Map<string, RecordedRequest[]>();

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function json(res: ServerResponse, status: number, value: unknown): void {
  res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(value));
}

function nextResponse(path: string): ScriptedResponse {
  const queue = scripts.get(path);
  if (!queue || queue.length === 0) return { status: 200, body: "ok" };
  return (queue.length > 1 ? queue.shift() : queue[0]) as ScriptedResponse;
}

async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? "/", "http://receiver");
  const body = await readBody(req);
  if (url.pathname === "/__script") {
    const input = JSON.parse(body) as { path: string; responses: ScriptedResponse[] };
    scripts.set(input.path, [...input.responses]);
    return json(res, 200, { ok: true });
  }
  if (url.pathname === "/__records") {
    return json(res, 200, records.get(url.searchParams.get("path") ?? "") ?? []);
  }
  if (url.pathname === "/__count") {
    const list = records.get(url.searchParams.get("path") ?? "") ?? [];
    const distinct = new Set(list.map((r) => r.headers["webhook-id"])).size;
    return json(res, 200, { requests: list.length, distinct });
  }
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers))
    headers[name] = Array.isArray(value) ? value.join(", ") : (value ?? "");
  const list = records.get(url.pathname) ?? [];
  list.push({
    method: req.method ?? "",
    path: url.pathname,
    url: req.url ?? "/",
    headers,
    body,
    receivedAt: Date.now(),
  });
  records.set(url.pathname, list);
  const answer = nextResponse(url.pathname);
  if (answer.delayMs) await new Promise((resolve) => setTimeout(resolve, answer.delayMs));
  if (res.destroyed) return; // the client gave up (timeout): nothing to answer
  const bytes =
    answer.bodyBase64 === undefined ? (answer.body ?? "") : Buffer.from(answer.bodyBase64, "base64");
  res.writeHead(answer.status, answer.headers ?? {}).end(bytes);
}

export default async function setup(project: TestProject) {
  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) json(res, 500, { error: String(error) });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  project.provide("webhookReceiverUrl", `http://127.0.0.1:${port}`);
  const smscPassword = "Qz7!vK2m";
  const smsc = await startSmsc({ systemId: "lisoloo", password: smscPassword, receiptDelayMs: 20 });
  project.provide("smscPassword", smscPassword);
  project.provide("smscPort", smsc.port);
  project.provide("smscControlUrl", smsc.controlUrl as string);

  let kannel: Kannel | null = null;
  const kannelSmsc = await startSmsc({ systemId: "relay", password: "Kn3l!pw8", receiptDelayMs: 20 });
  const missing = kannelMissing();
  const stopAll = async () => {
    await kannel?.stop();
    await kannelSmsc.close();
    await smsc.close();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  if (missing !== null && process.env.CI) {
    await stopAll();
    throw new Error(missing);
  }
  if (missing === null) {
    try {
      kannel = await startKannel({ port: kannelSmsc.port, systemId: "relay", password: "Kn3l!pw8" });
    } catch (error) {
      await stopAll();
      throw error;
    }
  }
  project.provide("kannelSendsmsUrl", kannel?.sendsmsUrl ?? "");
  project.provide("kannelSkipped", missing ?? "");
  project.provide("kannelSmscId", KANNEL_SMSC_ID);
  project.provide("kannelUsername", KANNEL_USER.username);
  project.provide("kannelPassword", KANNEL_USER.password);
  project.provide("kannelSmscControlUrl", kannelSmsc.controlUrl as string);
  return stopAll;
}
