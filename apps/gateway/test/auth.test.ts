import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { generateApiKey, keyDigest, withChecksum } from "../src/auth/key-format";
import worker from "../src/index";
import { admin, api, BASE, newMerchant, shardDb } from "./helpers";

async function expectError(res: { status: number; body: any }, status: number, code: string) {
  expect(res.status).toBe(status);
  expect(res.body).toMatchObject({ success: false, status_code: status, error_code: code });
}

describe("app-key authentication", () => {
  it.each([
    ["missing", undefined],
    ["empty", ""],
    ["malformed", "not-a-key"],
    ["wrong prefix", "pk_test_abcdefghijklmnopqrstuvwxyz012345"],
    ["bad checksum", withChecksum(`sk_test_${"a".repeat(26)}`).slice(0, -1) + "0"],
    ["well-formed but unknown", generateApiKey("sandbox")],
    ["production key on the sandbox deployment", generateApiKey("production")],
  ])("refuses a %s key with 401 1001", async (_label, key) => {
    const res = await api(
      key as string,
      "GET",
      "/balance",
      undefined,
      key === undefined ? { "app-key": "" } : {},
    );
    await expectError(res, 401, "1001");
    expect(res.body.message).toBe("Missing or invalid app-key");
    expect(res.body.detail).toBe("Missing or invalid app-key");
  });

  it("accepts an active key and records last_used_at", async () => {
    const { apiKey, keyId, merchantId } = await newMerchant();
    const db = await shardDb(merchantId);
    const res = await api(apiKey, "GET", "/balance");
    expect(res.status).toBe(200);
    // last_used_at is written after the response (waitUntil); poll briefly.
    let lastUsed: number | null = null;
    for (let i = 0; i < 50 && lastUsed === null; i++) {
      const row = await db
        .prepare("SELECT last_used_at FROM api_keys WHERE id = ?")
        .bind(keyId)
        .first<{ last_used_at: number | null }>();
      lastUsed = row?.last_used_at ?? null;
      if (lastUsed === null) await new Promise((r) => setTimeout(r, 20));
    }
    expect(lastUsed).toBeGreaterThan(Date.now() - 60_000);
  });

  it("stores the key's digest, never the key", async () => {
    const { apiKey, keyId, merchantId } = await newMerchant();
    const row = await (await shardDb(merchantId))
      .prepare("SELECT * FROM api_keys WHERE id = ?")
      .bind(keyId)
      .first<Record<string, unknown>>();
    expect(row?.digest).toBe(await keyDigest(apiKey));
    expect(
      Object.values(row ?? {}).some((v) => typeof v === "string" && v.includes(apiKey.slice(8, -4))),
    ).toBe(false);
    expect(row?.prefix).toBe("sk_test_");
    expect(row?.last4).toBe(apiKey.slice(-4));
    const shown = await admin("GET", `/keys/${keyId}`);
    expect(shown.body.data.key).toBe(`sk_test_…${apiKey.slice(-4)}`);
    expect(JSON.stringify(shown.body)).not.toContain(apiKey);
  });

  it("answers 403 1004 while suspended, 403 1002 when expired, 401 when revoked", async () => {
    const { apiKey, keyId } = await newMerchant();
    expect((await admin("POST", `/keys/${keyId}/suspend`)).status).toBe(200);
    await expectError(await api(apiKey, "GET", "/balance"), 403, "1004");
    expect((await admin("POST", `/keys/${keyId}/activate`)).status).toBe(200);
    expect((await api(apiKey, "GET", "/balance")).status).toBe(200);
    await admin("POST", `/keys/${keyId}/expire`);
    await expectError(await api(apiKey, "GET", "/balance"), 403, "1002");
    await admin("POST", `/keys/${keyId}/revoke`);
    await expectError(await api(apiKey, "GET", "/balance"), 401, "1001");
  });

  it("keeps a revoked key revoked: activate, suspend and expire answer 409 1204 and change nothing", async () => {
    const { apiKey, keyId } = await newMerchant();
    expect((await admin("POST", `/keys/${keyId}/revoke`)).status).toBe(200);
    for (const action of ["activate", "suspend", "expire"]) {
      const answer = await admin("POST", `/keys/${keyId}/${action}`);
      expect(answer.status, action).toBe(409);
      expect(answer.body.error_code, action).toBe("1204");
    }
    expect((await admin("GET", `/keys/${keyId}`)).body.data.status).toBe("REVOKED");
    await expectError(await api(apiKey, "GET", "/balance"), 401, "1001");
    // Revoking again is harmless.
    expect((await admin("POST", `/keys/${keyId}/revoke`)).status).toBe(200);
  });

  it("regenerates a key: without grace the old one stops at once, with grace it lasts until then", async () => {
    const { apiKey, keyId, merchantId } = await newMerchant();
    const now = await admin("POST", `/keys/${keyId}/regenerate`, {});
    expect(now.status).toBe(201);
    const second = now.body.data.api_key as string;
    expect(second).not.toBe(apiKey);
    await expectError(await api(apiKey, "GET", "/balance"), 401, "1001");
    expect((await api(second, "GET", "/balance")).status).toBe(200);

    const graced = await admin("POST", `/keys/${now.body.data.key_id}/regenerate`, { grace_seconds: 3600 });
    const third = graced.body.data.api_key as string;
    expect((await api(second, "GET", "/balance")).status).toBe(200);
    expect((await api(third, "GET", "/balance")).status).toBe(200);
    // End the grace period early by moving its deadline into the past.
    await (await shardDb(merchantId))
      .prepare("UPDATE api_keys SET revoke_at = ? WHERE id = ?")
      .bind(Date.now() - 1, now.body.data.key_id)
      .run();
    await expectError(await api(second, "GET", "/balance"), 401, "1001");
  });

  it("a production deployment refuses sandbox keys, and accepts its own", async () => {
    const { apiKey } = await newMerchant();
    // A valid production environment: http://localhost webhooks are refused there.
    const production = { ...env, ENVIRONMENT: "production", ALLOW_HTTP_LOCALHOST_WEBHOOKS: "false" };
    const ctx = createExecutionContext();
    const res = await worker.fetch(
      new Request(`${BASE}/balance`, { headers: { "app-key": apiKey } }),
      production,
      ctx,
    );
    await waitOnExecutionContext(ctx);
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error_code: string }).error_code).toBe("1001");

    // A key issued by the production deployment works there, and not on the sandbox.
    const created = await worker.fetch(
      new Request("http://gateway.test/admin/v1/merchants", {
        method: "POST",
        headers: { authorization: "Bearer test-admin-token", "content-type": "application/json" },
        body: JSON.stringify({ name: "Live merchant", wallets: { LISOLOO_SMS: 1 } }),
      }),
      production,
      createExecutionContext(),
    );
    const merchantId = ((await created.json()) as any).data.merchant_id;
    const issued = await worker.fetch(
      new Request(`http://gateway.test/admin/v1/merchants/${merchantId}/keys`, {
        method: "POST",
        headers: { authorization: "Bearer test-admin-token" },
      }),
      production,
      createExecutionContext(),
    );
    const liveKey = ((await issued.json()) as any).data.api_key as string;
    expect(liveKey.startsWith("sk_live_")).toBe(true);
    const ok = await worker.fetch(
      new Request(`${BASE}/balance`, { headers: { "app-key": liveKey } }),
      production,
      createExecutionContext(),
    );
    expect(ok.status).toBe(200);
    await expectError(await api(liveKey, "GET", "/balance"), 401, "1001");
  });
});

describe("operator API authentication", () => {
  it.each([
    ["no header", {}],
    ["wrong token", { authorization: "Bearer nope" }],
    ["wrong scheme", { authorization: "Basic dGVzdC1hZG1pbi10b2tlbg==" }],
  ])("refuses %s", async (_label, headers) => {
    const res = await worker.fetch(
      new Request("http://gateway.test/admin/v1/merchants/mch_x", { headers }),
      env,
      createExecutionContext(),
    );
    expect(res.status).toBe(401);
  });
});
