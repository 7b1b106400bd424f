import type { Context } from "hono";
import type { AppEnv } from "../env";
import { ApiError } from "../errors/api-error";

/** The largest request body the API reads (CONTRACT §3, 1304). */
export const MAX_BODY_BYTES = 256 * 1024;

/**
 * Reads a stream into one buffer, counting as it goes: past `maxBytes` it stops reading, cancels the
 * stream and answers `null`, so an endless or oversized body costs at most `maxBytes` of memory.
 */
async function readUpTo(stream: ReadableStream<Uint8Array>, maxBytes: number): Promise<Uint8Array | null> {
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => undefined);
      return null;
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

/** Requests whose body was read and measured here, re-created around those bytes. */
const measured = new WeakSet<Request>();

/**
 * The request body's bytes, at most `maxBytes` of them, else 413 `1304`. A declared Content-Length
 * over the limit is refused before anything is read, and a body within it is read whole. A body
 * without a declared length (chunked) is counted while it is read, and reading stops as soon as the
 * limit is passed; the request is then re-created around the bytes. Either way the rest of the chain
 * (`c.req.json()`, `c.req.arrayBuffer()`, this function again) reads them as if nothing had happened.
 *
 * @example const bytes = await readBodyBytes(c); // Uint8Array, at most 256 KiB
 */
export async function readBodyBytes(
  c: Context<AppEnv>,
  maxBytes: number = MAX_BODY_BYTES,
): Promise<Uint8Array> {
  if (measured.has(c.req.raw) || c.req.raw.bodyUsed) {
    // Read before (through hono's cache): the bytes are in memory already, only their size is checked.
    const bytes = new Uint8Array(await c.req.arrayBuffer());
    if (bytes.byteLength > maxBytes) throw new ApiError("1304");
    return bytes;
  }
  const length = c.req.header("content-length");
  const declared = Number(length);
  if (declared > maxBytes) throw new ApiError("1304");
  if (length !== undefined && Number.isSafeInteger(declared)) {
    // A body of declared length is exactly that long (HTTP frames it so): read it whole, through hono's
    // cache, which the rest of the chain reads again without a copy of the request.
    const bytes = new Uint8Array(await c.req.arrayBuffer());
    if (bytes.byteLength > maxBytes) throw new ApiError("1304");
    return bytes;
  }
  const stream = c.req.raw.body;
  if (stream === null) return new Uint8Array(0);
  const bytes = await readUpTo(stream, maxBytes);
  if (bytes === null) throw new ApiError("1304");
  c.req.raw = new Request(c.req.raw, { body: bytes });
  measured.add(c.req.raw);
  return bytes;
}
