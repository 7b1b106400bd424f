import { afterEach, describe, expect, it, vi } from "vitest";
import { type LogLevel, log, logRecord } from "./logger";

describe("logRecord", () => {
  it("writes level and event first, then the fields", () => {
    expect(logRecord("info", "cron", { released: 3, message_id: "507f1f77bcf86cd799439011" })).toEqual({
      level: "info",
      event: "cron",
      released: 3,
      message_id: "507f1f77bcf86cd799439011",
    });
  });

  it("never writes a value under a secret-looking name, however deep", () => {
    const record = logRecord("error", "admin.failed", {
      body: {
        webhook_basic_auth_password: "hunter2",
        nested: { api_key: "sk_test_x", Authorization: "Basic y" },
      },
      app_key: "sk_live_z",
      token: "t",
    });
    const line = JSON.stringify(record);
    for (const secret of ["hunter2", "sk_test_x", "Basic y", "sk_live_z"]) expect(line).not.toContain(secret);
    expect(record).toMatchObject({ app_key: "[redacted]", token: "[redacted]" });
  });

  it("writes an error as its cause chain and keeps the stack apart", () => {
    const error = new Error("D1_ERROR: busy", { cause: new Error("SQLITE_BUSY") });
    const record = logRecord("error", "request.failed", { error });
    expect(record.error).toBe("Error: D1_ERROR: busy ← Error: SQLITE_BUSY");
    expect(String(record.stack)).toContain("D1_ERROR: busy");
    expect(logRecord("error", "x", { error: "plain" }).error).toBe("plain");
  });
});

describe("log, as Workers Logs reads it", () => {
  afterEach(() => vi.restoreAllMocks());

  /** What each console method received while `write` ran. */
  function captured(write: () => void): Record<"log" | "warn" | "error", unknown[][]> {
    const calls = { log: [] as unknown[][], warn: [] as unknown[][], error: [] as unknown[][] };
    for (const method of ["log", "warn", "error"] as const)
      vi.spyOn(console, method).mockImplementation((...args: unknown[]) => void calls[method].push(args));
    write();
    return calls;
  }

  // Workers Logs takes its level from the console method (console.error → "error") and indexes the
  // fields of a message that is one JSON object: one string argument, one line, `level` in it.
  it.each<[LogLevel, "log" | "warn" | "error"]>([
    ["error", "error"],
    ["warn", "warn"],
    ["info", "log"],
    ["debug", "log"],
  ])("writes %s records with console.%s, as one JSON object on one line", (level, method) => {
    const error = new Error("first line\nsecond line");
    const calls = captured(() => log[level]("queue.retry", { queue_message_id: "m-1", error }));
    expect(Object.values(calls).flat()).toHaveLength(1);
    const [args] = calls[method];
    expect(args).toHaveLength(1);
    const line = args?.[0] as string;
    expect(typeof line).toBe("string");
    expect(line).not.toContain("\n");
    expect(JSON.parse(line)).toMatchObject({
      level,
      event: "queue.retry",
      queue_message_id: "m-1",
      error: "Error: first line\nsecond line",
      stack: expect.stringContaining("second line"),
    });
  });
});
