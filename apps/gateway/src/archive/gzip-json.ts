import type { ArchivedRow, ArchiveSection } from "./format";

/**
 * One archive object as it is written: a header, then sections of rows a page at a time, then the
 * gzip-compressed bytes. Two ways to hold it until then: `GzipJson` compresses as it goes (one large
 * send), `BufferedJson` keeps the text and compresses it at the end (many small sends side by side,
 * without a compression stream each). Both write the same bytes for the same calls.
 */
export abstract class ArchiveObjectWriter {
  private separator = "";

  abstract write(text: string): Promise<void>;

  abstract finish(): Promise<ArrayBuffer>;

  abstract abort(reason: unknown): void;

  async openSection(name: ArchiveSection): Promise<void> {
    await this.write(`,${JSON.stringify(name)}:[`);
    this.separator = "";
  }

  async rows(rows: readonly ArchivedRow[]): Promise<void> {
    if (rows.length === 0) return;
    await this.write(this.separator + rows.map((row) => JSON.stringify(row)).join(","));
    this.separator = ",";
  }

  closeSection(): Promise<void> {
    return this.write("]");
  }
}

/**
 * A JSON object compressed as it is written: text through gzip, a page of rows at a time, so a large
 * send never sits in memory as rows or as text; only its compressed bytes do (R2 wants the length of
 * a body before it).
 *
 * @example
 * const out = new GzipJson();
 * await out.write('{"version":1');
 * await out.openSection("recipients");
 * await out.rows([{ idx: 0 }]);
 * await out.closeSection();
 * const bytes = await out.finish(); // {"version":1,"recipients":[{"idx":0}]}, gzip-compressed
 */
export class GzipJson extends ArchiveObjectWriter {
  private readonly gzip = new CompressionStream("gzip");
  private readonly writer = this.gzip.writable.getWriter();
  private readonly bytes = new Response(this.gzip.readable).arrayBuffer();
  private readonly encoder = new TextEncoder();

  write(text: string): Promise<void> {
    return this.writer.write(this.encoder.encode(text));
  }

  async finish(): Promise<ArrayBuffer> {
    await this.write("}");
    await this.writer.close();
    return this.bytes;
  }

  abort(reason: unknown): void {
    this.writer.abort(reason).catch(() => {});
    this.bytes.catch(() => {});
  }
}

/**
 * The same object held as text until `finish` compresses it: for the small sends an archive run
 * reads together, whose objects are all open at once (a compression stream holds a few hundred KiB
 * of state, text of a small send a few KiB).
 *
 * @example
 * const out = new BufferedJson();
 * await out.write('{"version":1');
 * const bytes = await out.finish(); // {"version":1}, gzip-compressed
 */
export class BufferedJson extends ArchiveObjectWriter {
  private parts: string[] = [];

  write(text: string): Promise<void> {
    this.parts.push(text);
    return Promise.resolve();
  }

  async finish(): Promise<ArrayBuffer> {
    const out = new GzipJson();
    const text = this.parts.join("");
    this.parts = [];
    try {
      await out.write(text);
      return await out.finish();
    } catch (error) {
      out.abort(error);
      throw error;
    }
  }

  abort(): void {
    this.parts = [];
  }
}
