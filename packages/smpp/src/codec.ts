import { ByteReader, ByteWriter, hex, readU32 } from "./bytes.js";
import { commandById, commandIds, emptyBody, isResponse, layouts } from "./commands.js";
import { SmppDecodeError } from "./errors.js";
import { readTlvs, writeTlvs } from "./tlv.js";
import type { Pdu } from "./types.js";

/** The header: command_length, command_id, command_status, sequence_number. */
export const HEADER_LENGTH = 16;

/** The longest short_message (SMPP 3.4 §5.2.22); longer text goes in message_payload. */
export const MAX_SHORT_MESSAGE = 254;

/**
 * The bytes of a PDU, command_length included. A response with a non-zero command_status is its
 * header alone, as SMPP 3.4 says of submit_sm_resp (§4.4.2) and peers expect of every response.
 * @throws RangeError when a field does not fit its type: an integer out of range, a C-octet string
 * with a NUL or a character above U+00FF, a short_message over 254 octets.
 * @example encodePdu(createPdu("enquire_link", { sequence_number: 1 }))
 * // Uint8Array [0,0,0,16, 0,0,0,21, 0,0,0,0, 0,0,0,1]
 */
export function encodePdu(pdu: Pdu): Uint8Array {
  const layout = layouts[pdu.command];
  if (layout === undefined) throw new RangeError(`Unknown command ${String(pdu.command)}`);
  const writer = new ByteWriter(pdu.command === "submit_sm" || pdu.command === "deliver_sm" ? 256 : 64);
  writer.u32(0, "command_length");
  writer.u32(commandIds[pdu.command], "command_id");
  writer.u32(pdu.command_status, "command_status");
  writer.u32(pdu.sequence_number, "sequence_number");
  if (!(isResponse(pdu.command) && pdu.command_status !== 0)) {
    const fields = pdu as unknown as Record<string, unknown>;
    for (const [name, kind] of layout) {
      const value = fields[name];
      if (kind === "u8") writer.u8(value as number, name);
      else if (kind === "cstring") writer.cstring(value as string, name);
      else writeShortMessage(writer, value);
    }
    writeTlvs(writer, pdu.tlvs ?? {});
  }
  writer.setU32(0, writer.length);
  return writer.finish();
}

/**
 * The PDU in `bytes`, which must be exactly one PDU (use {@link PduStream} on a connection).
 * Byte fields are copies, never views of `bytes`. A response with no body (an error response, or
 * a peer that leaves out an empty message_id) reads with its fields empty.
 * @throws SmppDecodeError saying why, with the command id and sequence number when the header was
 * readable; `fatal` when the length itself is wrong.
 * @example decodePdu(new Uint8Array([0,0,0,16, 0x80,0,0,21, 0,0,0,0, 0,0,0,9]))
 * // { command: "enquire_link_resp", command_status: 0, sequence_number: 9, tlvs: {} }
 */
export function decodePdu(bytes: Uint8Array): Pdu {
  if (bytes.length < HEADER_LENGTH) {
    throw new SmppDecodeError(`${bytes.length} octets are not a PDU: a header alone is 16`, {
      reason: "too_short",
      fatal: true,
      commandId: bytes.length >= 8 ? readU32(bytes, 4) : null,
    });
  }
  const length = readU32(bytes, 0);
  const commandId = readU32(bytes, 4);
  const commandStatus = readU32(bytes, 8);
  const sequenceNumber = readU32(bytes, 12);
  if (length !== bytes.length) {
    throw new SmppDecodeError(`command_length is ${length} but the PDU has ${bytes.length} octets`, {
      reason: length < HEADER_LENGTH ? "too_short" : "length_mismatch",
      fatal: true,
      commandId,
      sequenceNumber,
    });
  }
  const command = commandById.get(commandId);
  if (command === undefined) {
    throw new SmppDecodeError(`Unknown command_id 0x${hex(commandId)}`, {
      reason: "unknown_command",
      fatal: false,
      commandId,
      sequenceNumber,
    });
  }
  const header = { command, command_status: commandStatus, sequence_number: sequenceNumber };
  if (length === HEADER_LENGTH && isResponse(command))
    return { ...header, ...emptyBody(command), tlvs: {} } as Pdu;
  const reader = new ByteReader(bytes, HEADER_LENGTH, length, { commandId, sequenceNumber });
  const body: Record<string, unknown> = {};
  for (const [name, kind] of layouts[command]) {
    if (kind === "u8") body[name] = reader.u8(name);
    else if (kind === "cstring") body[name] = reader.cstring(name);
    else body[name] = reader.octets(reader.u8("sm_length"), name);
  }
  return { ...header, ...body, tlvs: readTlvs(reader) } as Pdu;
}

function writeShortMessage(writer: ByteWriter, value: unknown): void {
  if (!(value instanceof Uint8Array)) throw new RangeError("short_message must be a Uint8Array");
  if (value.length > MAX_SHORT_MESSAGE) {
    throw new RangeError(
      `short_message is ${value.length} octets, at most ${MAX_SHORT_MESSAGE}: send longer user data in message_payload`,
    );
  }
  writer.u8(value.length, "sm_length");
  writer.octets(value);
}
