import { randomBytes } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";
import { errorByCode, type HttpErrorCode, type Language, localizedErrorMessage } from "@lisoloo/protocol";
import { serve } from "./serve.js";

/** A request as the server received it. */
export interface ReceivedRequest {
  method: string;
  /** Path and query, e.g. `/api/v1/lisoloo/sms-api/status/…?limit=2`. */
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** `performance.now()` at arrival. */
  at: number;
}

/**
 * What the server does: answer (optionally after `delayMs`, or after sending the headers and
 * stalling the body for `stallBodyMs`), or `"drop"` the connection without a response.
 */
export type Reply = Answer | "drop";

/** An HTTP answer. */
export interface Answer {
  status: number;
  body?: unknown;
  raw?: string;
  headers?: Record<string, string>;
  delayMs?: number;
  stallBodyMs?: number;
}

export interface FakeApi {
  url: string;
  requests: ReceivedRequest[];
  close(): Promise<void>;
}

/**
 * A real HTTP server on 127.0.0.1 that plays the Lisoloo API: `reply` decides each answer from the
 * request and its index (0 for the first).
 */
export async function startFakeApi(
  reply: (request: ReceivedRequest, index: number) => Reply | Promise<Reply>,
): Promise<FakeApi> {
  const requests: ReceivedRequest[] = [];
  const server = await serve(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const received: ReceivedRequest = {
      method: req.method ?? "",
      url: req.url ?? "",
      headers: req.headers,
      body: Buffer.concat(chunks).toString("utf8"),
      at: performance.now(),
    };
    requests.push(received);
    const answer = await reply(received, requests.length - 1);
    if (answer === "drop") {
      req.socket.destroy();
      return;
    }
    if (answer.delayMs) await new Promise((r) => setTimeout(r, answer.delayMs));
    if (res.destroyed) return;
    const text = answer.raw ?? (answer.body === undefined ? "" : JSON.stringify(answer.body));
    res.writeHead(answer.status, {
      "content-type": answer.raw === undefined ? "application/json" : "text/html",
      ...answer.headers,
    });
    if (answer.stallBodyMs) {
      res.write(text.slice(0, 1));
      await new Promise((r) => setTimeout(r, answer.stallBodyMs));
      if (res.destroyed) return;
      res.end(text.slice(1));
      return;
    }
    res.end(text);
  });
  return { url: server.url, requests, close: server.close };
}

/** A fake API that answers `replies` in order, then keeps answering the last one. */
export function startScriptedApi(replies: Reply[]): Promise<FakeApi> {
  return startFakeApi((_request, i) => replies[Math.min(i, replies.length - 1)] as Reply);
}

/** A success envelope, as the API wraps `data`. */
export function ok(data: unknown, status = 200): Answer {
  return { status, body: { status_code: status, success: true, data } };
}

/** The API's error envelope for a catalogue code, in the language the request asked for. */
export function apiError(
  code: HttpErrorCode,
  options: {
    details?: { field: string; message: string; code: string }[] | null;
    retryAfter?: number | null;
    language?: Language;
  } = {},
): Answer & { headers: Record<string, string>; body: Record<string, unknown> } {
  const entry = errorByCode(code);
  const message = localizedErrorMessage(code, options.language ?? "en");
  const requestId = `req_${randomBytes(8).toString("hex")}`;
  const retryAfter = options.retryAfter ?? null;
  return {
    status: entry.http,
    headers: {
      "x-request-id": requestId,
      ...(retryAfter === null ? {} : { "retry-after": String(retryAfter) }),
    },
    body: {
      success: false,
      status_code: entry.http,
      error_code: code,
      message,
      detail: message,
      details: options.details ?? null,
      timestamp: new Date().toISOString().replace(/\.\d{3}Z$/, "Z"),
      request_id: requestId,
      retryable: entry.retryable,
      retry_after: retryAfter,
    },
  };
}

/** The language a request asked for, as the API reads `Accept-Language`. */
export function languageOf(request: ReceivedRequest): Language {
  return request.headers["accept-language"]?.startsWith("fr") ? "fr" : "en";
}
