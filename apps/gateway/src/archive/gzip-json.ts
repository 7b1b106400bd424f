import type { ArchivedRow, ArchiveSection } from "./format";

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
export class GzipJson {
  private readonly gzip = new CompressionStream("gzip");
  private readonly writer = this.gzip.writable.getWriter();
  private readonly bytes = new Response(this.gzip.readable).arrayBuffer();
  private readonly encoder = new TextEncoder();
  private separator = "";

  write(text: string): Promise<void> {
    return this.writer.write(this.encoder.encode(text));
  }

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
