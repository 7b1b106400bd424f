import { env } from "cloudflare:workers";
import type { ScriptInput, SubmitRecord } from "@lisoloo/smsc-simulator";
import { expect } from "vitest";
import { forgetCarriers } from "../../src/carriers/registry";
import { admin, call, waitFor } from "../helpers";

/** Why the relay tests cannot run here (Kannel not installed), or empty. */
export const kannelSkipped = env.KANNEL_SKIPPED;

/** An HTTP relay carrier pointed at the test run's Kannel, routed as the default route. */
export async function relayCarrier(slug: string, settings: Record<string, unknown> = {}) {
  const created = await admin("POST", "/carriers", {
    slug,
    kind: "http_relay",
    http_relay: {
      sendsms_url: env.KANNEL_SENDSMS_URL,
      username: env.KANNEL_USERNAME,
      password: env.KANNEL_PASSWORD,
      smsc: env.KANNEL_SMSC_ID,
      timeout_ms: 10_000,
      concurrency: 4,
      ...settings,
    },
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const routes = await admin("PUT", "/routes", { routes: {}, default_route: slug });
  expect(routes.status).toBe(200);
  forgetCarriers();
  return slug;
}

/** Kannel's SMSC simulator (its own, not the SMPP tests'). */
async function kannelSmsc<T>(path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${env.KANNEL_SMSC_CONTROL_URL}${path}`, {
    method: body === undefined ? "GET" : "POST",
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const answer = (await res.json()) as T;
  if (!res.ok) throw new Error(`SMSC ${path}: ${res.status} ${JSON.stringify(answer)}`);
  return answer;
}

export const scriptKannelSmsc = (input: ScriptInput | ScriptInput[]) => kannelSmsc("/__script", input);

export async function kannelSubmitsTo(phones: string[]): Promise<SubmitRecord[]> {
  const wanted = new Set(phones.map((p) => p.replace("+", "")));
  return (await kannelSmsc<SubmitRecord[]>("/__submits")).filter((s) => wanted.has(s.destination_addr));
}

/** A delivery report as Kannel sent it to the dlr-url, recorded verbatim by test/global-setup.ts. */
export type RecordedReport = { method: string; url: string; headers: Record<string, string>; body: string };

export async function reportsOf(slug: string): Promise<RecordedReport[]> {
  const res = await fetch(
    `${env.WEBHOOK_RECEIVER_URL}/__records?path=${encodeURIComponent(`/carriers/${slug}/receipts`)}`,
  );
  return (await res.json()) as RecordedReport[];
}

/** Waits until Kannel has sent at least `count` reports to the carrier's dlr-urls. */
export function waitForReports(slug: string, done: (list: RecordedReport[]) => boolean, timeoutMs = 60_000) {
  return waitFor(() => reportsOf(slug), done, timeoutMs);
}

/**
 * Hands one recorded report to the Worker, unchanged: same method, path and query, same headers.
 * The Worker under test listens on no port, so Kannel could not reach it; the report itself is
 * Kannel's, byte for byte.
 */
export async function replay(report: RecordedReport): Promise<Response> {
  const headers = new Headers();
  for (const [name, value] of Object.entries(report.headers))
    if (!["host", "content-length", "connection"].includes(name)) headers.set(name, value);
  return call(`http://gateway.test${report.url}`, {
    method: report.method,
    headers,
    body: report.method === "GET" || report.method === "HEAD" ? undefined : report.body,
  });
}

/** The report's query, parsed. */
export const queryOf = (report: RecordedReport) => new URL(report.url, "http://x").searchParams;
