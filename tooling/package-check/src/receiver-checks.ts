// Feeds signed webhooks to a README receiver block, as the README rules promise: a Worker-style module
// has its `fetch` called in a Node process of its own; a Node server is started on a free port, posted
// to over HTTP, then stopped.
import { writeFileSync } from "node:fs";
import { connect } from "node:net";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { freePort } from "@lisoloo/dev-gateway";
import { describeRun, killGroup, runCommand, startProcess } from "./run-command.ts";
import type { WebhookRequest } from "./signed-webhooks.ts";

export type Answer = { name: string; expectSuccess: boolean; status: number | null; detail: string };

export type ReceiverRun = { ok: boolean; report: string };

function judge(answers: Answer[]): boolean {
  return answers.every((a) => a.status !== null && (a.status >= 200 && a.status < 300) === a.expectSuccess);
}

function describeAnswers(answers: Answer[]): string {
  return answers
    .map((a) => {
      const wanted = a.expectSuccess ? "2xx" : "not 2xx";
      const got = a.status === null ? "no answer" : String(a.status);
      const verdict = a.status !== null && (a.status >= 200 && a.status < 300) === a.expectSuccess;
      return `  ${verdict ? "ok  " : "FAIL"} ${a.name}: ${got} (wanted ${wanted})${a.detail ? ` ${a.detail}` : ""}`;
    })
    .join("\n");
}

// Runs in the consumer project next to the block: imports it, calls its default export's fetch with
// each request (a Worker gets its env as the second argument, so the secret is there too), prints the
// answers after a marker line, and exits even if the block left a timer running.
const workerHarness = `import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
const [blockFile, requestsFile, route] = process.argv.slice(2);
const requests = JSON.parse(readFileSync(requestsFile, "utf8"));
const worker = (await import(pathToFileURL(blockFile).href)).default;
const env = { ...process.env };
const ctx = { waitUntil() {}, passThroughOnException() {}, props: {} };
const answers = [];
for (const r of requests) {
  try {
    const request = new Request("http://127.0.0.1" + route, { method: "POST", headers: r.headers, body: r.body });
    const response = await worker.fetch(request, env, ctx);
    const body = await response.text();
    answers.push({ name: r.name, expectSuccess: r.expectSuccess, status: response.status, detail: body ? JSON.stringify(body.slice(0, 200)) : "" });
  } catch (error) {
    answers.push({ name: r.name, expectSuccess: r.expectSuccess, status: null, detail: "fetch threw: " + (error?.stack ?? error) });
  }
}
process.stdout.write("\\n@@answers " + JSON.stringify(answers) + "\\n");
process.exit(0);
`;

export type ReceiverContext = {
  consumerDir: string;
  env: NodeJS.ProcessEnv;
  /** The Node that runs blocks (22: it strips TypeScript types). */
  node: string;
  requests: WebhookRequest[];
  route: string;
};

/** Imports a Worker-style block and calls its `fetch` with each request. */
export async function checkWorkerBlock(blockFile: string, context: ReceiverContext): Promise<ReceiverRun> {
  const harness = `${blockFile}.harness.mjs`;
  const requestsFile = `${blockFile}.requests.json`;
  writeFileSync(path.join(context.consumerDir, harness), workerHarness);
  writeFileSync(path.join(context.consumerDir, requestsFile), JSON.stringify(context.requests));
  const ran = await runCommand(context.node, [harness, blockFile, requestsFile, context.route], {
    cwd: context.consumerDir,
    env: context.env,
    timeoutMs: 60_000,
  });
  const marker = /^@@answers (.*)$/m.exec(ran.stdout);
  if (ran.code !== 0 || !marker?.[1]) {
    return { ok: false, report: `importing the module or calling its fetch failed:\n${describeRun(ran)}` };
  }
  const answers = JSON.parse(marker[1]) as Answer[];
  const ok = judge(answers);
  return { ok, report: `${describeAnswers(answers)}${ok ? "" : `\n${describeRun(ran)}`}` };
}

async function acceptsConnections(port: number): Promise<boolean> {
  return await new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

async function post(url: string, request: WebhookRequest): Promise<Answer> {
  const base = { name: request.name, expectSuccess: request.expectSuccess };
  try {
    const response = await fetch(url, {
      method: "POST",
      headers: request.headers,
      body: request.body,
      signal: AbortSignal.timeout(10_000),
    });
    const body = await response.text();
    return { ...base, status: response.status, detail: body ? JSON.stringify(body.slice(0, 200)) : "" };
  } catch (error) {
    return { ...base, status: null, detail: `request failed: ${(error as Error).message}` };
  }
}

/** Starts a server block with `PORT`, waits for the port, posts each request, then stops it. */
export async function checkServerBlock(blockFile: string, context: ReceiverContext): Promise<ReceiverRun> {
  const port = await freePort();
  const server = startProcess(context.node, [blockFile], {
    cwd: context.consumerDir,
    env: { ...context.env, PORT: String(port) },
  });
  const tail = () =>
    `${server.stdout()}${server.stderr()}`.trimEnd().split("\n").slice(-40).join("\n") || "(no output)";
  try {
    const deadline = Date.now() + 30_000;
    while (!(await acceptsConnections(port))) {
      const ended = server.ended();
      if (ended !== null)
        return { ok: false, report: `node ${blockFile} ended (${ended}) before listening:\n${tail()}` };
      if (Date.now() > deadline) {
        return {
          ok: false,
          report: `node ${blockFile} did not listen on PORT=${port} within 30 s:\n${tail()}`,
        };
      }
      await sleep(100);
    }
    const answers: Answer[] = [];
    for (const request of context.requests) {
      answers.push(await post(`http://127.0.0.1:${port}${context.route}`, request));
    }
    const ok = judge(answers);
    return {
      ok,
      report: `POST http://127.0.0.1:${port}${context.route}\n${describeAnswers(answers)}${ok ? "" : `\noutput:\n${tail()}`}`,
    };
  } finally {
    killGroup(server.child.pid, "SIGTERM");
    for (let i = 0; i < 50 && server.ended() === null; i++) await sleep(100);
    if (server.ended() === null) killGroup(server.child.pid, "SIGKILL");
  }
}
