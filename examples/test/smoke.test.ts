// `pnpm smoke` against the real local gateway, run as an operator runs it: a process, its lines and
// its exit status. Every check must pass, the webhook one included (its receiver is reached at
// http://127.0.0.1, which local development allows).
import { execFile } from "node:child_process";
import path from "node:path";
import { describe, expect, inject, it } from "vitest";

const repoRoot = path.resolve(import.meta.dirname, "../..");
const lisolooBin = path.join(repoRoot, "apps/cli/bin/lisoloo.mjs");
const deployScript = path.join(repoRoot, "apps/gateway/scripts/deploy.mjs");
const everyCheck = [
  "health",
  "openapi",
  "auth error",
  "setup",
  "field error",
  "send",
  "balance",
  "webhook",
  "cleanup",
];

type Ran = { code: number; stdout: string; stderr: string };

/** Runs `lisoloo …` with only the variables given: nothing the person running the tests exported. */
function lisoloo(args: string[], vars: Record<string, string> = {}, script = lisolooBin): Promise<Ran> {
  const env = { ...process.env };
  for (const name of ["LISOLOO_BASE_URL", "LISOLOO_API_KEY", "LISOLOO_ADMIN_URL", "ADMIN_TOKEN"])
    delete env[name];
  for (const name of Object.keys(env)) if (name.startsWith("LISOLOO_SMOKE_")) delete env[name];
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [script, ...args],
      { cwd: repoRoot, env: { ...env, ...vars }, timeout: 280_000 },
      (error, stdout, stderr) => {
        resolve({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, stdout, stderr });
      },
    );
  });
}

/**
 * Asserts a smoke run passed every check, exit 0, and returns each check's line by its name. The
 * whole output is the message of a failure, so it shows which check saw what.
 */
function everyCheckPassed(ran: Ran): Map<string, string> {
  const lines = ran.stdout
    .split("\n")
    .filter((line) => /^[✓✗–] /.test(line))
    .map((line) => ({ mark: line[0], name: line.slice(2, 14).trim(), line }));
  const output = ran.stdout + ran.stderr;
  expect(
    lines.filter((l) => l.mark !== "✓").map((l) => l.line),
    output,
  ).toEqual([]);
  expect(
    lines.map((l) => l.name),
    output,
  ).toEqual(everyCheck);
  expect(ran.stdout).toContain(`${everyCheck.length} passed, 0 failed, 0 skipped`);
  expect(ran.code).toBe(0);
  return new Map(lines.map((l) => [l.name, l.line]));
}

describe("pnpm smoke against the local gateway", () => {
  it("with only --base-url and --admin-token: every check passes, exit 0", { timeout: 120_000 }, async () => {
    const { baseUrl, adminToken } = inject("gateway");
    const ran = await lisoloo(["smoke", "--base-url", baseUrl, "--admin-token", adminToken]);
    const webhook = everyCheckPassed(ran).get("webhook");
    expect(webhook).toMatch(/events of [0-9a-f]{24} arrived signed \(verifyWebhook\) with the Basic login/);
    expect(webhook).toContain("sms.failed 1501 +999000000005");
  });

  it("with --api-key: field error, send and balance use that key, and all pass", {
    timeout: 120_000,
  }, async () => {
    const { baseUrl, adminToken } = inject("gateway");
    // A merchant of its own, made with the operator CLI, rather than the dev key: other test files
    // send with the dev key at the same time, and the balance check needs the merchant idle.
    const admin = { LISOLOO_ADMIN_URL: baseUrl, ADMIN_TOKEN: adminToken };
    const merchant = await lisoloo(
      ["merchants", "create", "--name", "Smoke operator", "--prepaid", "5", "--json"],
      admin,
    );
    expect(merchant.code, merchant.stderr).toBe(0);
    const merchantId = JSON.parse(merchant.stdout).data.merchant_id as string;
    const key = await lisoloo(["keys", "issue", merchantId, "--json"], admin);
    expect(key.code, key.stderr).toBe(0);
    const apiKey = JSON.parse(key.stdout).data.api_key as string;

    const ran = await lisoloo(["smoke", "--base-url", baseUrl, "--api-key", apiKey], {
      ADMIN_TOKEN: adminToken,
    });
    const lines = everyCheckPassed(ran);
    for (const name of ["field error", "send", "balance"]) expect(lines.get(name)).toMatch(/ \[your key\]$/);
    expect(lines.get("balance")).toContain("GET /balance 5.00 → 4.98 USD");
    expect(lines.get("webhook")).toMatch(/ \[throwaway key\]$/);
    expect(ran.stdout).not.toContain(apiKey);
  });

  it("the release script's dry run ends with the smoke test against the local gateway", {
    timeout: 300_000,
  }, async () => {
    const { baseUrl, adminToken } = inject("gateway");
    const ran = await lisoloo(
      ["--env", "sandbox", "--dry-run", "--smoke-base-url", baseUrl, "--smoke-admin-token", adminToken],
      {},
      deployScript,
    );
    const output = ran.stdout + ran.stderr;
    // Nothing remote runs in a dry run: the migrations and the deploy are only printed, in order.
    const wouldRun = ran.stdout.split("\n").filter((line) => line.includes("would run: "));
    expect(
      wouldRun.some((line) => line.includes("d1 migrations apply")),
      output,
    ).toBe(true);
    expect(
      wouldRun.some((line) => /wrangler deploy --env sandbox/.test(line)),
      output,
    ).toBe(true);
    const smokeStarts = ran.stdout.indexOf("running: pnpm smoke");
    expect(smokeStarts, output).toBeGreaterThan(-1);
    // The smoke test's own lines, after the release's local checks (which are ✓ lines too).
    const smokeEnds = ran.stdout.indexOf("✓ Dry run passed.");
    everyCheckPassed({ ...ran, stdout: ran.stdout.slice(smokeStarts, smokeEnds).replace(/^ +/gm, "") });
    expect(ran.stdout).toContain("Dry run passed.");
  });
});
