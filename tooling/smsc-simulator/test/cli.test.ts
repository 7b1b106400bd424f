import { spawn } from "node:child_process";
import path from "node:path";
import { createInterface } from "node:readline";
import { describe, expect, it } from "vitest";
import { parseCommandLine, run } from "../src/cli.mjs";
import { bound } from "./client";

const bin = path.join(import.meta.dirname, "../bin/smsc.mjs");

describe("lisoloo-smsc", () => {
  it("reads its options", () => {
    expect(
      parseCommandLine([
        "--port",
        "2775",
        "--system-id",
        "lisoloo",
        "--password",
        "secret",
        "--control-port",
        "0",
        "--id-format",
        "hex",
        "--receipt-delay-ms",
        "200",
        "--script",
        '{"destination":"24399","submitStatus":11}',
      ]),
    ).toMatchObject({
      help: false,
      options: {
        port: 2775,
        controlPort: 0,
        systemId: "lisoloo",
        password: "secret",
        idFormat: "hex",
        receiptDelayMs: 200,
        script: [{ destination: "24399", submitStatus: 11 }],
      },
    });
  });

  it.each([["--id-format", "octal"], ["--port", "x"], ["--script", "{"], ["--nope"]])(
    "refuses %s with the usage and exit code 2",
    async (...argv) => {
      let stderr = "";
      const { code } = await run(argv, { stdout: () => {}, stderr: (t) => (stderr += t) });
      expect(code).toBe(2);
      expect(stderr).toContain("Usage: lisoloo-smsc");
    },
  );

  it("prints its addresses, then a line per bind, submit and receipt", async () => {
    let stdout = "";
    const { code, smsc } = await run(["--port", "0", "--receipt-delay-ms", "10"], {
      stdout: (t) => (stdout += t),
      stderr: () => {},
    });
    expect(code).toBe(0);
    if (!smsc) throw new Error("not started");
    try {
      expect(stdout).toContain(`SMPP     ${smsc.url}`);
      expect(stdout).toContain(`control  ${smsc.controlUrl}`);
      const client = await bound(smsc);
      const resp = await client.submit({ destination_addr: "243810000001", short_message: "Mbote" });
      await smsc.waitFor(() => smsc.receipts()[0]?.acknowledged);
      expect(stdout).toMatch(/bind #1 transceiver lisoloo from port \d+: ok/);
      expect(stdout).toContain(
        `submit #1 bind #1 Lisoloo → 243810000001 dc 0 "Mbote": ok ${resp.message_id}`,
      );
      expect(stdout).toContain(`receipt ${resp.message_id} DELIVRD for 243810000001 on bind #1`);
    } finally {
      await smsc.close();
    }
  });

  it("runs as a program, prints JSON lines with --json, and stops on SIGINT", async () => {
    const child = spawn(process.execPath, [bin, "--port", "0", "--json"], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
    const next = async () => JSON.parse((await lines.next()).value as string);
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    try {
      const listening = await next();
      expect(listening).toMatchObject({ event: "listening", host: "127.0.0.1", systemId: "lisoloo" });
      const status = await fetch(`${listening.controlUrl}/__stats`);
      expect(status.status).toBe(200);
      const { default: smpp } = await import("smpp");
      const session = smpp.connect({ url: listening.url });
      session.on("error", () => {});
      await new Promise((resolve) =>
        session.bind_transceiver({ system_id: "lisoloo", password: "secret" }, resolve),
      );
      expect(await next()).toMatchObject({ event: "bind", mode: "transceiver", status: 0 });
      session.destroy();
      expect(await next()).toMatchObject({ event: "bind-end", end: "client-closed" });
      child.kill("SIGINT");
      expect(await exited).toBe(0);
    } finally {
      child.kill("SIGKILL");
    }
  });
});
