import { commandStatus } from "./status.js";
import type { GenericNack } from "./types.js";

/** Why bytes could not be read as a PDU. */
export type SmppDecodeReason =
  /** command_length below 16, or fewer than 16 bytes: not even a header. */
  | "too_short"
  /** command_length above the cap: a broken or hostile peer, never a real PDU. */
  | "too_long"
  /** command_length differs from the number of bytes given to `decodePdu`. */
  | "length_mismatch"
  /** A command_id this codec does not know. */
  | "unknown_command"
  /** A mandatory field runs past the end of the PDU. */
  | "truncated"
  /** A C-octet string has no NUL before the end of the PDU. */
  | "unterminated_cstring"
  /** A TLV's header or value runs past the end of the PDU. */
  | "truncated_tlv";

/** What is known about the PDU that failed, from its header. */
export interface SmppDecodeErrorDetails {
  reason: SmppDecodeReason;
  /** The framing is lost: the next PDU cannot be found, so the connection must be dropped. */
  fatal: boolean;
  commandId?: number | null | undefined;
  sequenceNumber?: number | null | undefined;
}

/**
 * Bytes that are not a PDU this codec can read. The only error the decoders throw (other than for
 * their own arguments), whatever the bytes are.
 *
 * When `fatal` is false the PDU was framed correctly (its length is known) and only its command or
 * body is wrong: answer it (see {@link nackFor}) and carry on with the next one. When `fatal` is
 * true, the length itself is wrong and nothing after it can be trusted: close the connection.
 */
export class SmppDecodeError extends Error {
  override readonly name = "SmppDecodeError";
  readonly reason: SmppDecodeReason;
  readonly fatal: boolean;
  /** The PDU's command_id, when the header was readable. */
  readonly commandId: number | null;
  /** The PDU's sequence_number, when the header was readable: what a response must echo. */
  readonly sequenceNumber: number | null;
  /** The command_status that answers it: ESME_RINVCMDID for an unknown command, else ESME_RINVCMDLEN. */
  readonly status: number;

  constructor(message: string, details: SmppDecodeErrorDetails) {
    super(message);
    this.reason = details.reason;
    this.fatal = details.fatal;
    this.commandId = details.commandId ?? null;
    this.sequenceNumber = details.sequenceNumber ?? null;
    this.status =
      details.reason === "unknown_command" ? commandStatus.ESME_RINVCMDID : commandStatus.ESME_RINVCMDLEN;
  }
}

/**
 * The generic_nack that answers a PDU that could not be read (SMPP 3.4 §4.3), or null when it must
 * not be answered: a response (whatever it was, the peer expects nothing back) or a header too
 * short to tell. For a response the connector should instead settle the request it answers, found
 * by `error.sequenceNumber`, as an unknown outcome.
 * @example
 * const nack = nackFor(error); // { command: "generic_nack", command_status: 3, sequence_number: 42, tlvs: {} }
 * if (nack) socket.write(encodePdu(nack));
 */
export function nackFor(error: SmppDecodeError): GenericNack | null {
  if (error.commandId === null || error.sequenceNumber === null) return null;
  if ((error.commandId & 0x80000000) !== 0) return null;
  return {
    command: "generic_nack",
    command_status: error.status,
    sequence_number: error.sequenceNumber,
    tlvs: {},
  };
}
