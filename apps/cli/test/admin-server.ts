import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach } from "vitest";
import { run } from "../src/cli.mjs";

export type Recorded = {
  method: string;
  path: string;
  authorization: string | undefined;
  /** The merchant API's key header, for routes outside /admin/v1. */
  appKey?: string | undefined;
  contentType: string | undefined;
  body: unknown;
};
export type Answer = { status: number; body: unknown };
/** A fixed answer, or one chosen from the request (e.g. by its app-key). */
export type Answerer = Answer | ((request: Recorded) => Answer);

/**
 * A stand-in for the gateway's admin API on 127.0.0.1: records every request and answers what the
 * test scripted for `METHOD /path` (a 404 error envelope otherwise).
 */
export async function startAdminServer() {
  const requests: Recorded[] = [];
  const answers = new Map<string, Answerer>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const text = Buffer.concat(chunks).toString("utf8");
      const path = req.url ?? "";
      const recorded: Recorded = {
        method: req.method ?? "",
        path,
        authorization: req.headers.authorization,
        contentType: req.headers["content-type"],
        body: text ? JSON.parse(text) : undefined,
      };
      const appKey = req.headers["app-key"];
      if (typeof appKey === "string") recorded.appKey = appKey;
      requests.push(recorded);
      const scripted = answers.get(`${req.method} ${path}`);
      const answer = (typeof scripted === "function" ? scripted(recorded) : scripted) ?? {
        status: 404,
        body: envelope(404, "1403", "Route not found"),
      };
      // As the gateway does: an envelope's request id is also the X-Request-Id header.
      const requestId = (answer.body as { request_id?: unknown } | null)?.request_id;
      res.writeHead(answer.status, {
        "content-type": "application/json",
        ...(typeof requestId === "string" ? { "x-request-id": requestId } : {}),
      });
      res.end(typeof answer.body === "string" ? answer.body : JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    answer(route: string, answer: Answerer) {
      answers.set(route, answer);
    },
    /** Forgets every scripted answer, so a test starts from the 404s. */
    reset() {
      requests.length = 0;
      answers.clear();
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** An error envelope as the gateway writes it. */
export function envelope(status: number, code: string, message: string, details: unknown[] | null = null) {
  return {
    success: false,
    status_code: status,
    error_code: code,
    message,
    detail: message,
    details,
    timestamp: "2026-05-27T10:15:00Z",
    request_id: "req_0123456789abcdef",
    retryable: false,
    retry_after: null,
  };
}

/** A success envelope. */
export function ok(data: unknown, status = 200): Answer {
  return { status, body: { status_code: status, success: true, data } };
}

/**
 * Runs the CLI in-process against a stand-in admin API; `stdin` feeds --password-stdin.
 * @example const { code, stdout } = await lisolooAgainst(server)(["carriers", "list"]);
 */
export function lisolooAgainst(server: { url: string }, token = "test-admin-token") {
  return async (
    argv: string[],
    options: { env?: Record<string, string | undefined>; stdin?: string } = {},
  ) => {
    let stdout = "";
    let stderr = "";
    let stdinReads = 0;
    const code = await run(argv, {
      env: { LISOLOO_ADMIN_URL: server.url, ADMIN_TOKEN: token, ...options.env },
      fetch: globalThis.fetch,
      stdout: (text) => {
        stdout += text;
      },
      stderr: (text) => {
        stderr += text;
      },
      readStdin: async () => {
        stdinReads++;
        return options.stdin ?? "";
      },
    });
    return { code, stdout, stderr, stdinReads };
  };
}

/**
 * The stand-in for a whole test file: started before its tests, closed after them, its requests and
 * scripted answers forgotten before each test, so every test starts from the 404s.
 * @example const standIn = standInPerFile(); … await standIn.lisoloo(["carriers", "list"]);
 */
export function standInPerFile() {
  let server: Awaited<ReturnType<typeof startAdminServer>> | undefined;
  let cli: ReturnType<typeof lisolooAgainst> | undefined;
  beforeAll(async () => {
    server = await startAdminServer();
    cli = lisolooAgainst(server);
  });
  afterAll(() => server?.close());
  beforeEach(() => server?.reset());
  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error("the stand-in admin API starts in beforeAll");
    return value;
  };
  return {
    get server() {
      return started(server);
    },
    lisoloo: (...args: Parameters<ReturnType<typeof lisolooAgainst>>) => started(cli)(...args),
  };
}
