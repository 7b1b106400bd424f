import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { receiptSignature } from "../src/carriers/http-relay/signature";
import { forgetCarriers } from "../src/carriers/registry";
import { checkConfig } from "../src/config/config";
import { openSealed, sealSecret } from "../src/crypto/secret-box";
import { ADMIN, ADMIN_TOKEN, admin, fetchWith, rowsIn, SHARDS } from "./helpers";
import { merchantWithWebhook } from "./webhooks/fixtures";
import { receivedAt, receiverEndpoint, scriptReceiver } from "./webhooks/receiver";

// The suite's deployment seals with this key and answers this token (vitest.config.ts): what a
// deployment held before the rotation.
const OLD_KEY = "test-credentials-key";
const NEW_KEY = "rotated-credentials-key-0123456789";
const NEW_TOKEN = "rotated-admin-token-0123456789";

/** The same deployment after `CREDENTIALS_KEY` was rotated: the new key seals and signs, the old one still opens. */
const rotated = { ...env, CREDENTIALS_KEY: NEW_KEY, CREDENTIALS_KEY_PREVIOUS: OLD_KEY } as Cloudflare.Env;
/** The new key alone: the old one dropped (too early, unless the re-seal ran). */
const newKeyOnly = { ...env, CREDENTIALS_KEY: NEW_KEY } as Cloudflare.Env;

/** The answer's envelope, as far as these tests read it. */
type Envelope = { data?: unknown; error_code?: string; details?: unknown[] };

async function adminOn(bindings: Cloudflare.Env, method: string, path: string, token = ADMIN_TOKEN) {
  const res = await fetchWith(bindings, `${ADMIN}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}` },
  });
  return { status: res.status, body: (await res.json()) as Envelope };
}

/** A relay carrier whose receipts must carry its Basic credentials: both its signature and its sealed password are checked. */
async function relayCarrier(password: string): Promise<string> {
  const slug = `rotation-${crypto.randomUUID().slice(0, 8)}`;
  const created = await admin("POST", "/carriers", {
    slug,
    kind: "http_relay",
    http_relay: {
      sendsms_url: "http://relay.example.net:13013/cgi-bin/sendsms",
      username: "lisoloo",
      password,
      receipt_basic_auth: true,
    },
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  forgetCarriers();
  return slug;
}

/** A relay's report for delivery 42 of DB_0, as Kannel calls the dlr-url signed under `key` (type 4: nothing to apply). */
async function relayReport(bindings: Cloudflare.Env, slug: string, key: string, password: string) {
  const sig = await receiptSignature(key, slug, "DB_0", 42, 0);
  return fetchWith(
    bindings,
    `http://gateway.test/carriers/${slug}/receipts?s=DB_0&d=42&p=0&sig=${sig}&type=4&reply=x`,
    {
      headers: { authorization: `Basic ${btoa(`lisoloo:${password}`)}` },
    },
  );
}

type Sealed = { where: string; id: string; sealed: string };

/** Every sealed value the deployment stores: carrier passwords (directory), webhook Basic passwords (shards). */
async function everySealed(): Promise<Sealed[]> {
  const carriers = await rowsIn<{ id: string; sealed: string }>(
    env.DIRECTORY,
    "SELECT slug AS id, password_enc AS sealed FROM carriers WHERE password_enc IS NOT NULL ORDER BY slug",
  );
  const all: Sealed[] = carriers.map((r) => ({ where: "DIRECTORY", ...r }));
  for (const [shard, db] of Object.entries(SHARDS)) {
    const keys = await rowsIn<{ id: string; sealed: string }>(
      db,
      `SELECT id, webhook_basic_auth_password_enc AS sealed FROM api_keys
       WHERE webhook_basic_auth_password_enc IS NOT NULL ORDER BY id`,
    );
    all.push(...keys.map((r) => ({ where: shard, ...r })));
  }
  return all;
}

type ResealAnswer = {
  resealed: number;
  current: number;
  unreadable: number;
  unreadable_rows: { database: string; table: string; id: string }[];
  previous_key_set: boolean;
  next_cursor: string | null;
  done: boolean;
};

/** A whole re-seal pass, page by page as an operator runs it: every page's answer. */
async function resealPass(bindings: Cloudflare.Env, limit?: number): Promise<ResealAnswer[]> {
  const pages: ResealAnswer[] = [];
  let cursor: string | null = null;
  do {
    const query = new URLSearchParams();
    if (cursor !== null) query.set("cursor", cursor);
    if (limit !== undefined) query.set("limit", String(limit));
    const res = await adminOn(bindings, "POST", `/credentials/reseal?${query}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const page = res.body.data as ResealAnswer;
    pages.push(page);
    cursor = page.next_cursor;
    expect(page.done).toBe(cursor === null);
    if (pages.length > 100) throw new Error("the re-seal pass does not end");
  } while (cursor !== null);
  return pages;
}

describe("CREDENTIALS_KEY rotated, the old key kept as CREDENTIALS_KEY_PREVIOUS", () => {
  it("a webhook Basic password sealed under the old key still opens", async () => {
    const endpoint = receiverEndpoint();
    await scriptReceiver(endpoint.path, [{ status: 204 }]);
    const merchant = await merchantWithWebhook(endpoint.url, { username: "ops", password: "sealed-before" });

    const ping = await adminOn(rotated, "POST", `/keys/${merchant.keyId}/webhook/ping`);
    expect(ping.status, JSON.stringify(ping.body)).toBe(200);
    expect(ping.body.data).toMatchObject({ delivered: true, response_status: 204 });
    const [request] = await receivedAt(endpoint.path);
    expect(request?.headers.authorization).toBe(`Basic ${btoa("ops:sealed-before")}`);

    // Without the old key it no longer opens: the previous key is what keeps it working.
    const dropped = await adminOn(newKeyOnly, "POST", `/keys/${merchant.keyId}/webhook/ping`);
    expect(dropped.status).toBe(400);
    expect(dropped.body.details).toEqual([
      expect.objectContaining({ message: "The key's Basic password cannot be decrypted" }),
    ]);
  });

  it("a relay receipt signed under the old key verifies, and so does one signed under the new key", async () => {
    const slug = await relayCarrier("relay-pass-old");
    // Signed before the rotation, checked after it (the carrier's Basic password is sealed under the old key too).
    expect((await relayReport(rotated, slug, OLD_KEY, "relay-pass-old")).status).toBe(200);
    expect((await relayReport(rotated, slug, NEW_KEY, "relay-pass-old")).status).toBe(200);
    // Neither key is accepted for what it did not sign, and a third key for nothing.
    expect((await relayReport(rotated, slug, "another-key-0123456789", "relay-pass-old")).status).toBe(403);
    // With the old key dropped, its dlr-urls are refused.
    expect((await relayReport(newKeyOnly, slug, OLD_KEY, "relay-pass-old")).status).toBe(403);
  });
});

describe("ADMIN_TOKEN rotated, the old token kept as ADMIN_TOKEN_PREVIOUS", () => {
  const both = { ...env, ADMIN_TOKEN: NEW_TOKEN, ADMIN_TOKEN_PREVIOUS: ADMIN_TOKEN } as Cloudflare.Env;
  const newOnly = { ...env, ADMIN_TOKEN: NEW_TOKEN } as Cloudflare.Env;

  it.each([
    ["the new token", both, NEW_TOKEN, 200],
    ["the previous token", both, ADMIN_TOKEN, 200],
    ["a wrong token", both, "rotated-admin-token-0123456788", 401],
    ["a token one character longer than the previous one", both, `${ADMIN_TOKEN}x`, 401],
    ["the previous token once it is deleted", newOnly, ADMIN_TOKEN, 401],
    ["the new token once the previous one is deleted", newOnly, NEW_TOKEN, 200],
  ])("%s", async (_name, bindings, token, status) => {
    const res = await adminOn(bindings, "GET", "/routes", token);
    expect(res.status).toBe(status);
    if (status === 401) expect(res.body).toMatchObject({ error_code: "1001" });
  });
});

describe("with no previous secret set", () => {
  it("the configuration has one key and one token, and a re-seal pass changes nothing", async () => {
    const result = checkConfig(env);
    expect(result).toMatchObject({
      ok: true,
      config: { adminToken: ADMIN_TOKEN, adminTokenPrevious: null, credentialKeys: [OLD_KEY] },
    });
    await merchantWithWebhook(receiverEndpoint().url, { username: "ops", password: "no-rotation" });
    await relayCarrier("relay-no-rotation");

    const before = await everySealed();
    const pages = await resealPass(env, 3);
    expect(await everySealed()).toEqual(before);
    expect(pages.at(-1)).toMatchObject({
      resealed: 0,
      current: before.length,
      unreadable: 0,
      previous_key_set: false,
      done: true,
    });
    // Without a previous key the old token is the only one.
    expect((await adminOn(env, "GET", "/routes", NEW_TOKEN)).status).toBe(401);
  });
});

describe("POST /admin/v1/credentials/reseal after a rotation", () => {
  it("moves every sealed secret to the current key, page by page, and a second pass finds nothing to move", async () => {
    // Sealed values in the directory and in both shards, all under the old key.
    const passwords = new Map<string, string>();
    for (let i = 0; i < 4; i++) {
      const merchant = await merchantWithWebhook(receiverEndpoint().url, {
        username: "ops",
        password: `hook-pass-${i}`,
      });
      passwords.set(merchant.keyId, `hook-pass-${i}`);
    }
    for (let i = 0; i < 2; i++) passwords.set(await relayCarrier(`relay-pass-${i}`), `relay-pass-${i}`);
    const before = await everySealed();
    expect(new Set(before.map((s) => s.where))).toEqual(new Set(["DIRECTORY", "DB_0", "DB_1"]));
    // One the deployment cannot open: sealed under a key it never had.
    const { keyId: foreign } = await merchantWithWebhook(receiverEndpoint().url);
    const foreignSealed = await sealSecret("a-key-nobody-has-0123456789", "lost");
    for (const db of Object.values(SHARDS))
      await db
        .prepare("UPDATE api_keys SET webhook_basic_auth_password_enc = ?1 WHERE id = ?2")
        .bind(foreignSealed, foreign)
        .run();
    for (const s of before) expect((await openSealed([OLD_KEY], s.sealed))?.keyIndex).toBe(0);

    const pages = await resealPass(rotated, 2);
    // Two a page: the pass needed several calls, each carrying the counts on.
    expect(pages.length).toBeGreaterThan(before.length / 2);
    const last = pages.at(-1) as ResealAnswer;
    expect(last).toMatchObject({
      resealed: before.length,
      current: 0,
      unreadable: 1,
      previous_key_set: true,
      next_cursor: null,
    });
    expect(pages.flatMap((p) => p.unreadable_rows)).toEqual([
      { database: expect.stringMatching(/^DB_[01]$/), table: "api_keys", id: foreign },
    ]);

    // Everything now opens under the new key alone, to the same passwords; the unreadable one is left as it was.
    const after = await everySealed();
    expect(new Set(after.map((s) => s.id))).toEqual(new Set([...before.map((s) => s.id), foreign]));
    for (const s of after) {
      if (s.id === foreign) {
        expect(s.sealed).toBe(foreignSealed);
        continue;
      }
      const opened = await openSealed([NEW_KEY], s.sealed);
      expect(opened, `${s.where} ${s.id}`).not.toBeNull();
      const expected = passwords.get(s.id);
      if (expected !== undefined) expect(opened?.plaintext).toBe(expected);
    }

    // The proof an operator looks for before deleting the previous key: a pass with nothing to move.
    const again = (await resealPass(rotated)).at(-1);
    expect(again).toMatchObject({ resealed: 0, current: before.length, unreadable: 1, done: true });
    expect(await everySealed()).toEqual(after);

    // And the old key can go: the new key alone opens what the re-seal moved.
    const hook = [...passwords.keys()].find((id) => id.startsWith("key_")) as string;
    const ping = await adminOn(newKeyOnly, "POST", `/keys/${hook}/webhook/ping`);
    expect(ping.body.data).toMatchObject({ delivered: true });
    const relay = [...passwords.keys()].find((id) => id.startsWith("rotation-")) as string;
    expect((await relayReport(newKeyOnly, relay, NEW_KEY, passwords.get(relay) as string)).status).toBe(200);
  });

  it.each([
    ["a cursor it did not give", "cursor=bm90LWEtY3Vyc29y", "cursor"],
    [
      "a cursor of a shard this deployment lacks",
      `cursor=${btoa('{"d":"DB_7","a":null,"r":0,"c":0,"u":0}').replace(/=+$/, "")}`,
      "cursor",
    ],
    ["a page larger than 200", "limit=201", "limit"],
    ["a page of none", "limit=0", "limit"],
    ["an unknown parameter", "page=2", "page"],
  ])("refuses %s (400, naming it)", async (_name, query, field) => {
    const res = await adminOn(rotated, "POST", `/credentials/reseal?${query}`);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error_code: "1110", details: [expect.objectContaining({ field })] });
  });

  it("is for operators only", async () => {
    const res = await fetchWith(rotated, `${ADMIN}/credentials/reseal`, { method: "POST" });
    expect(res.status).toBe(401);
  });
});
