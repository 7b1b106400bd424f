// The npm smpp package ships no types; this is the part of its API the reference tests use.
declare module "smpp" {
  interface ReferencePdu {
    command: string;
    command_status: number;
    sequence_number: number;
    toBuffer(): Uint8Array;
    [field: string]: unknown;
  }
  interface ReferencePduClass {
    new (command: string, options?: Record<string, unknown>): ReferencePdu;
    new (buffer: Uint8Array): ReferencePdu;
  }
  const smpp: { PDU: ReferencePduClass; errors: Record<string, number> };
  export default smpp;
}

// The tests hand the reference implementation Node Buffers; the package's own code never sees one,
// so Node's types stay out of its type check and this is all of Buffer the tests need.
declare module "node:buffer" {
  export const Buffer: { from(bytes: Uint8Array): Uint8Array };
}
