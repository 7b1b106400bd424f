import { describe, expect, it } from "vitest";
import { type ArchiveObjectWriter, BufferedJson, GzipJson } from "./gzip-json";

async function gunzip(bytes: ArrayBuffer): Promise<string> {
  return new Response(new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"))).text();
}

describe("GzipJson", () => {
  it("writes sections page by page into one gzip-compressed JSON object", async () => {
    const out = new GzipJson();
    await out.write('{"version":1,"send":{"id":"s"}');
    await out.openSection("recipients");
    await out.rows([{ idx: 0 }, { idx: 1 }]);
    await out.rows([]);
    await out.rows([{ idx: 2, phone: 'a "quoted" \u2028 text' }]);
    await out.closeSection();
    await out.openSection("deliveries");
    await out.closeSection();
    const text = await gunzip(await out.finish());
    expect(JSON.parse(text)).toEqual({
      version: 1,
      send: { id: "s" },
      recipients: [{ idx: 0 }, { idx: 1 }, { idx: 2, phone: 'a "quoted" \u2028 text' }],
      deliveries: [],
    });
  });

  it("compresses many rows to a fraction of their text", async () => {
    const out = new GzipJson();
    await out.write("{");
    await out.write('"version":1');
    await out.openSection("deliveries");
    const page = Array.from({ length: 500 }, (_, i) => ({ id: i, status: "delivered", carrier: "sandbox" }));
    for (let p = 0; p < 10; p++) await out.rows(page);
    await out.closeSection();
    const bytes = await out.finish();
    const text = await gunzip(bytes);
    expect((JSON.parse(text) as { deliveries: unknown[] }).deliveries).toHaveLength(5000);
    expect(bytes.byteLength).toBeLessThan(text.length / 10);
  });

  it("writes the same object held as text as compressed on the fly", async () => {
    const write = async (out: ArchiveObjectWriter) => {
      await out.write('{"version":1,"send":{"id":"s"}');
      await out.openSection("recipients");
      await out.rows([{ idx: 0, phone: "+243998857000" }]);
      await out.rows([{ idx: 1, phone: "\u00e9\u2028" }]);
      await out.closeSection();
      await out.openSection("deliveries");
      await out.closeSection();
      return gunzip(await out.finish());
    };
    const text = await write(new GzipJson());
    expect(await write(new BufferedJson())).toBe(text);
    expect(JSON.parse(text)).toMatchObject({ recipients: [{ idx: 0 }, { idx: 1 }], deliveries: [] });
  });
});
