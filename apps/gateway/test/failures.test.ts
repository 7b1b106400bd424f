import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { errorEnvelopeSchema } from "@lisoloo/protocol";
import { afterEach, describe, expect, it, vi } from "vitest";
import worker from "../src/index";
import { BASE, newMerchant, shardDb } from "./helpers";

/** The real D1 binding, except that statements run while `failing` is set throw `error`. */
function brokenDatabase(error: () => Error): D1Database {
  const fail = async () => {
    throw error();
  };
  const statement = () => ({ bind: () => statement(), first: fail, all: fail, run: fail, raw: fail });
  return {
    prepare: statement,
    batch: fail,
    exec: fail,
    dump: fail,
    withSession: () => brokenDatabase(error),
  } as unknown as D1Database;
}

async function call(db: D1Database, apiKey: string) {
  const ctx = createExecutionContext();
  const res = await worker.fetch(
    new Request(`${BASE}/send`, {
      method: "POST",
      headers: { "app-key": apiKey, "content-type": "application/json" },
      body: JSON.stringify({ to: ["+243998857000"], message: "Hi" }),
    }),
    { ...env, DB_0: db, DB_1: db },
    ctx,
  );
  await waitOnExecutionContext(ctx);
  return res;
}

describe("unexpected failures", () => {
  afterEach(() => vi.restoreAllMocks());

  it("a database outage answers 503 1402, retryable, and debits nothing", async () => {
    vi.spyOn(console, "error").mockImplementation(() => {});
    const { apiKey, merchantId } = await newMerchant();
    const res = await call(
      brokenDatabase(() => new Error("D1_ERROR: Network connection lost.")),
      apiKey,
    );
    expect(res.status).toBe(503);
    const body = errorEnvelopeSchema.parse(await res.json());
    expect(body).toMatchObject({ error_code: "1402", retryable: true, retry_after: 1 });
    expect(res.headers.get("retry-after")).toBe("1");
    const debits = await (await shardDb(merchantId))
      .prepare("SELECT count(*) AS n FROM wallet_ledger WHERE merchant_id = ? AND reason = 'send_debit'")
      .bind(merchantId)
      .first<{ n: number }>();
    expect(debits?.n).toBe(0);
  });

  it("a bug answers 500 1401 and leaks nothing of it, only the request id to quote", async () => {
    const logged: string[] = [];
    vi.spyOn(console, "error").mockImplementation(
      (...args: unknown[]) => void logged.push(args.map(String).join(" ")),
    );
    const { apiKey } = await newMerchant();
    const res = await call(
      brokenDatabase(() => new TypeError("secret internals: table xyz at line 42")),
      apiKey,
    );
    expect(res.status).toBe(500);
    const text = await res.text();
    expect(text).not.toContain("secret internals");
    expect(text).not.toContain("TypeError");
    const body = errorEnvelopeSchema.parse(JSON.parse(text));
    expect(body).toMatchObject({ error_code: "1401", message: "Internal server error", retryable: true });
    expect(res.headers.get("x-request-id")).toBe(body.request_id);
    // The operator's log has what the client does not, keyed by the same request id.
    expect(logged.some((line) => line.includes(body.request_id) && line.includes("secret internals"))).toBe(
      true,
    );
  });
});
