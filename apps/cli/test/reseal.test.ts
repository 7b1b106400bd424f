import { describe, expect, it } from "vitest";
import { envelope, ok, standInPerFile } from "./admin-server";

const standIn = standInPerFile();
const { lisoloo } = standIn;

const page = (fields: Record<string, unknown>) =>
  ok({ resealed: 0, current: 0, unreadable: 0, unreadable_rows: [], previous_key_set: true, ...fields });

describe("lisoloo credentials reseal", () => {
  it("walks every page with the cursor each one gives, and ends 0 when nothing is left unreadable", async () => {
    standIn.server.answer(
      "POST /admin/v1/credentials/reseal?limit=50",
      page({ resealed: 50, next_cursor: "c1", done: false }),
    );
    standIn.server.answer(
      "POST /admin/v1/credentials/reseal?cursor=c1&limit=50",
      page({ resealed: 70, current: 3, next_cursor: null, done: true }),
    );
    const { code, stdout } = await lisoloo(["credentials", "reseal", "--limit", "50"]);
    expect(standIn.server.requests.map((r) => `${r.method} ${r.path} ${r.authorization}`)).toEqual([
      "POST /admin/v1/credentials/reseal?limit=50 Bearer test-admin-token",
      "POST /admin/v1/credentials/reseal?cursor=c1&limit=50 Bearer test-admin-token",
    ]);
    expect(stdout).toContain("page 1: 50 re-sealed, 0 current, 0 unreadable so far");
    expect(stdout).toContain("page 2: 70 re-sealed, 3 current, 0 unreadable so far");
    expect(stdout).toContain(
      "Done: every stored password opens under the current key (70 re-sealed in this pass).",
    );
    expect(stdout).toContain("CREDENTIALS_KEY_PREVIOUS can go");
    expect(code).toBe(0);
  });

  it("lists what opens under no key, from every page, and ends 1", async () => {
    const first = { database: "DB_0", table: "api_keys", id: "key_a" };
    const second = { database: "DIRECTORY", table: "carriers", id: "orange-cd" };
    standIn.server.answer(
      "POST /admin/v1/credentials/reseal",
      page({ unreadable: 1, unreadable_rows: [first], next_cursor: "c1", done: false }),
    );
    standIn.server.answer(
      "POST /admin/v1/credentials/reseal?cursor=c1",
      page({ unreadable: 2, unreadable_rows: [second], next_cursor: null, done: true }),
    );
    const { code, stdout } = await lisoloo(["credentials", "reseal"]);
    expect(stdout).toContain(`unreadable: ${JSON.stringify(first)}`);
    expect(stdout).toContain(`unreadable: ${JSON.stringify(second)}`);
    expect(stdout).toContain("Done, but 2 stored password(s) open under no key");
    expect(code).toBe(1);

    const json = await lisoloo(["credentials", "reseal", "--json"]);
    expect(JSON.parse(json.stdout)).toMatchObject({
      unreadable: 2,
      unreadable_rows: [first, second],
      done: true,
    });
    expect(json.code).toBe(1);
  });

  it("stops at the API's refusal with its envelope (1), and without ADMIN_TOKEN before calling (2)", async () => {
    standIn.server.answer("POST /admin/v1/credentials/reseal", {
      status: 400,
      body: envelope(400, "1101", "Not a cursor this endpoint gave"),
    });
    const refused = await lisoloo(["credentials", "reseal"]);
    expect(refused.stderr).toContain("Error 1101 (HTTP 400): Not a cursor this endpoint gave");
    expect(refused.code).toBe(1);

    standIn.server.reset();
    const unset = await lisoloo(["credentials", "reseal"], { env: { ADMIN_TOKEN: "" } });
    expect(unset.stderr).toContain("ADMIN_TOKEN is not set");
    expect(unset.code).toBe(2);
    expect(standIn.server.requests).toEqual([]);
  });
});
