// The runner's own parts, on inputs made here: a runner that misreads a README would pass blocks it
// never ran.
import { verifyWebhook } from "@lisoloo/client/webhooks";
import { webhookEventSchema } from "@lisoloo/protocol/schemas";
import { describe, expect, it } from "vitest";
import { blockKind, webhookPath } from "../src/block-kind.ts";
import { consumerEnv } from "../src/consumer-project.ts";
import { blockTitle, readmeBlocks } from "../src/readme-blocks.ts";
import { deliveredEvent, newWebhookSecret, webhookRequests } from "../src/signed-webhooks.ts";
import { parseDiagnostics } from "../src/type-check.ts";
import { rangeFloor } from "../src/zod-floor.ts";

const fence = "```";

describe("readmeBlocks", () => {
  const markdown = [
    "# Title", //                                  1
    "", //                                         2
    `${fence}sh`, //                               3
    "npm install @lisoloo/client", //              4
    fence, //                                      5
    "", //                                         6
    `${fence}ts`, //                               7
    'import { z } from "zod";', //                 8
    "", //                                         9
    `${fence}`, //                                 10
    "- a list item:", //                           11
    `  ${fence}javascript`, //                     12
    "  console.log(1);", //                        13
    `  ${fence}`, //                               14
    `${fence}ts no-run`, //                        15
    "await new Promise(() => {});", //             16
    fence, //                                      17
    `~~~~typescript`, //                           18
    `${fence}`, //                                 19
    "~~~~", //                                     20
  ].join("\n");
  const blocks = readmeBlocks(markdown, "packages/x/README.md");

  it("numbers every fence as a reader counts them, with its line and language", () => {
    expect(blocks.map((b) => [b.index, b.line, b.language, b.noRun])).toEqual([
      [1, 3, null, false],
      [2, 7, "ts", false],
      [3, 12, "js", false],
      [4, 15, "ts", true],
      [5, 18, "ts", false],
    ]);
  });

  it("keeps a block's code whole and strips a list item's indentation", () => {
    expect(blocks[1]?.code).toBe('import { z } from "zod";\n\n');
    expect(blocks[2]?.code).toBe("console.log(1);\n");
    expect(blocks[4]?.code).toBe(`${fence}\n`);
  });

  it("names a block by README, number, line and first line", () => {
    expect(blocks[1] && blockTitle(blocks[1])).toBe(
      'packages/x/README.md block 2 (line 7, ts): import { z } from "zod";',
    );
  });
});

describe("blockKind and webhookPath", () => {
  it.each([
    {
      name: "a Worker module",
      code: "export default { async fetch(request: Request) { return new Response(null); } };",
      kind: "worker",
    },
    {
      name: "an Express app",
      code: "const app = express();\napp.listen(Number(process.env.PORT ?? 3000));",
      kind: "server",
    },
    { name: "a node:http server", code: "createServer(handler).listen(3000);", kind: "server" },
    {
      name: "a comment and a string",
      code: '// app.listen(3000)\nconsole.log("export default { fetch }");',
      kind: "script",
    },
    {
      name: "listen in a string",
      code: 'const text = "server.listen(1)";\nconsole.log(text);',
      kind: "script",
    },
  ])("$name is a $kind block", ({ code, kind }) => {
    expect(blockKind(code)).toBe(kind);
  });

  it.each([
    {
      name: "an Express route",
      code: 'app.post("/webhooks/lisoloo", express.raw(), handler);',
      route: "/webhooks/lisoloo",
    },
    { name: "a middleware path", code: "app.use('/hooks', handler);", route: "/hooks" },
    {
      name: "a pathname test",
      code: 'if (new URL(request.url).pathname !== "/lisoloo") return notFound();',
      route: "/lisoloo",
    },
    { name: "a server for every path", code: "createServer(handler).listen(3000);", route: "/" },
  ])("$name receives on $route", ({ code, route }) => {
    expect(webhookPath(code)).toBe(route);
  });
});

describe("webhookRequests", () => {
  const secret = newWebhookSecret();
  const [ping, delivered, forged] = webhookRequests(secret);

  it("signs the way our verifier accepts, and forges one it refuses", async () => {
    await expect(
      verifyWebhook(delivered?.body ?? "", delivered?.headers ?? {}, secret),
    ).resolves.toMatchObject({
      event_type: "sms.delivered",
    });
    await expect(verifyWebhook(ping?.body ?? "", ping?.headers ?? {}, secret)).rejects.toMatchObject({
      reason: "unknown_event_type",
    });
    await expect(verifyWebhook(forged?.body ?? "", forged?.headers ?? {}, secret)).rejects.toMatchObject({
      reason: "no_matching_signature",
    });
    expect([ping, delivered, forged].map((r) => r?.expectSuccess)).toEqual([true, true, false]);
  });

  it("sends an sms.delivered the protocol's schema accepts", () => {
    expect(webhookEventSchema.safeParse(deliveredEvent(new Date())).success).toBe(true);
  });
});

describe("helpers", () => {
  it("reads tsc diagnostics per file, continuation lines included", () => {
    const output = [
      "readme-blocks/client-04.ts(3,7): error TS2304: Cannot find name 'body'.",
      "readme-blocks/client-06.ts(1,1): error TS2322: Type 'string' is not assignable to type 'number'.",
      "  The expected type comes from here.",
    ].join("\n");
    expect(parseDiagnostics(output)).toEqual([
      {
        file: "readme-blocks/client-04.ts",
        line: 3,
        column: 7,
        code: "TS2304",
        message: "Cannot find name 'body'.",
      },
      {
        file: "readme-blocks/client-06.ts",
        line: 1,
        column: 1,
        code: "TS2322",
        message: "Type 'string' is not assignable to type 'number'.\n  The expected type comes from here.",
      },
    ]);
  });

  it("takes the floor of a caret range and refuses other shapes", () => {
    expect(rangeFloor("^4.6.6")).toBe("4.6.6");
    expect(() => rangeFloor(">=4")).toThrow(/caret range/);
  });

  it("keeps our own npm, pnpm and LISOLOO_ settings out of the consumer's environment", () => {
    process.env.LISOLOO_API_KEY_FOR_TEST = "sk_test_x";
    process.env.npm_config_registry_for_test = "http://example.invalid";
    const env = consumerEnv("/tmp/cache", { LISOLOO_BASE_URL: "http://127.0.0.1:1" });
    delete process.env.LISOLOO_API_KEY_FOR_TEST;
    delete process.env.npm_config_registry_for_test;
    expect(env.LISOLOO_API_KEY_FOR_TEST).toBeUndefined();
    expect(env.npm_config_registry_for_test).toBeUndefined();
    expect(env).toMatchObject({ npm_config_cache: "/tmp/cache", LISOLOO_BASE_URL: "http://127.0.0.1:1" });
  });
});
