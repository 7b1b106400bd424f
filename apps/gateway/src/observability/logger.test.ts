import { describe, expect, it } from "vitest";
import { logRecord } from "./logger";

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
