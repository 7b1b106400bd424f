import {
  encodeGsm7,
  isGsm7,
  type SmsEncoding,
  segmentCapacity,
  splitSegments,
} from "@lisoloo/protocol/segments";
import { createPdu } from "./commands.js";
import { DATA_CODING_DEFAULT, DATA_CODING_UCS2, ESM_CLASS_UDHI, encodeUcs2 } from "./short-message.js";
import type { SubmitSm } from "./types.js";

/** Type of number of an address (SMPP 3.4 §5.2.5). */
export const TON = { UNKNOWN: 0, INTERNATIONAL: 1, NATIONAL: 2, ALPHANUMERIC: 5 } as const;
/** Numbering plan indicator of an address (SMPP 3.4 §5.2.6). */
export const NPI = { UNKNOWN: 0, ISDN: 1 } as const;

/** An address as submit_sm carries it. */
export interface SmppAddress {
  ton: number;
  npi: number;
  addr: string;
}

/** One message to one recipient, as {@link submitSmPdus} turns it into PDUs. */
export interface SubmitMessage {
  /** The sender id: alphanumeric ("Lisoloo") or a number ("+243810000000"). */
  source: string;
  /** The recipient, `+` and digits as the API stores it (the `+` is optional). */
  destination: string;
  text: string;
  /** Default: GSM-7 when every character is GSM, else UCS-2. UCS-2 may be forced for a GSM text. */
  encoding?: SmsEncoding | undefined;
  /** Seconds from now the SMSC keeps trying; default: the SMSC's own validity. */
  validitySeconds?: number | undefined;
  /** registered_delivery; default 1, a receipt for the final outcome. */
  registeredDelivery?: number | undefined;
  /** The concatenation reference (0–255) shared by the segments of a multi-segment message. */
  reference: number;
  /** service_type; default "" (the SMSC's default service). */
  serviceType?: string | undefined;
}

// Octets of the concatenation UDH: UDHL, IEI 0x00, IEDL 3, reference, total, sequence.
const UDH_LENGTH = 6;

/**
 * One submit_sm per segment of a message (CONTRACT §12), with sequence number 0 for the caller to
 * set. Segments are cut by `@lisoloo/protocol`'s splitter, so the count is the one the send was
 * priced with and an escape pair or surrogate pair never straddles two segments. GSM-7 is one
 * septet per octet (data_coding 0, extension characters as 0x1B + septet), UCS-2 is UTF-16BE
 * (data_coding 8). A multi-segment message carries a concatenation UDH (05 00 03 ref total seq)
 * and esm_class 0x40; every segment asks for a receipt.
 * @throws RangeError for a destination that is not a number, a reference outside 0–255, a
 * validity outside 1 s – 99 days, or `encoding: "GSM-7"` for a text that is not GSM.
 * @example
 * const pdus = submitSmPdus({ source: "Lisoloo", destination: "+243810000000", text: "Mbote!", reference: 7, validitySeconds: 172_800 });
 * pdus.length; // 1
 * pdus[0].source_addr_ton; // 5 (alphanumeric)
 * pdus[0].validity_period; // "000002000000000R"
 */
export function submitSmPdus(message: SubmitMessage): SubmitSm[] {
  const { text, reference } = message;
  if (!Number.isInteger(reference) || reference < 0 || reference > 0xff) {
    throw new RangeError(`reference must be an integer from 0 to 255, got ${reference}`);
  }
  const gsm = isGsm7(text);
  const encoding = message.encoding ?? (gsm ? "GSM-7" : "UCS-2");
  if (encoding === "GSM-7" && !gsm) encodeGsm7(text); // throws, naming the first non-GSM character
  const parts = encoding === "UCS-2" && gsm ? splitBmpUcs2(text) : splitSegments(text);
  if (parts.length > 0xff) throw new RangeError(`${parts.length} segments do not fit a concatenation UDH`);
  const source = senderAddress(message.source);
  const destination = destinationAddress(message.destination);
  const validity = message.validitySeconds === undefined ? "" : relativeTime(message.validitySeconds);
  return parts.map((part, index) => {
    const user = encoding === "GSM-7" ? encodeGsm7(part) : encodeUcs2(part);
    const multi = parts.length > 1;
    return createPdu("submit_sm", {
      service_type: message.serviceType ?? "",
      source_addr_ton: source.ton,
      source_addr_npi: source.npi,
      source_addr: source.addr,
      dest_addr_ton: destination.ton,
      dest_addr_npi: destination.npi,
      destination_addr: destination.addr,
      esm_class: multi ? ESM_CLASS_UDHI : 0,
      validity_period: validity,
      registered_delivery: message.registeredDelivery ?? 1,
      data_coding: encoding === "GSM-7" ? DATA_CODING_DEFAULT : DATA_CODING_UCS2,
      short_message: multi ? withUdh(user, reference, parts.length, index + 1) : user,
    });
  });
}

/**
 * The source address of a sender id: a number (digits, optional `+`) is international E.164,
 * TON 1/NPI 1 without the `+`; anything else is alphanumeric, TON 5/NPI 0.
 * @example senderAddress("+243810000000") // { ton: 1, npi: 1, addr: "243810000000" }
 * @example senderAddress("Lisoloo") // { ton: 5, npi: 0, addr: "Lisoloo" }
 */
export function senderAddress(sender: string): SmppAddress {
  if (/^\+?[0-9]+$/.test(sender))
    return { ton: TON.INTERNATIONAL, npi: NPI.ISDN, addr: sender.replace("+", "") };
  if (sender.length === 0) throw new RangeError("The sender id is empty");
  return { ton: TON.ALPHANUMERIC, npi: NPI.UNKNOWN, addr: sender };
}

/**
 * The destination address of a phone number: TON 1/NPI 1, digits without the `+`.
 * @throws RangeError when it is not 1–20 digits after an optional `+`.
 * @example destinationAddress("+243810000000") // { ton: 1, npi: 1, addr: "243810000000" }
 */
export function destinationAddress(phone: string): SmppAddress {
  const match = /^\+?([0-9]{1,20})$/.exec(phone);
  if (match === null) throw new RangeError(`Destination "${phone}" is not a phone number`);
  return { ton: TON.INTERNATIONAL, npi: NPI.ISDN, addr: match[1] as string };
}

/**
 * An SMPP relative time (`YYMMDDhhmmss000R`, §7.1.1.2) of a number of seconds, in days, hours,
 * minutes and seconds: months and years have no fixed length, so they stay 00.
 * @throws RangeError outside 1 second – 99 days 23:59:59.
 * @example relativeTime(172_800) // "000002000000000R": 2 days
 * @example relativeTime(3_661) // "000000010101000R"
 */
export function relativeTime(seconds: number): string {
  if (!Number.isInteger(seconds) || seconds < 1 || seconds >= 100 * 86_400) {
    throw new RangeError(`A relative time is 1 s to 99 days, got ${seconds} s`);
  }
  const two = (n: number) => String(n).padStart(2, "0");
  const days = Math.floor(seconds / 86_400);
  const hours = Math.floor((seconds % 86_400) / 3_600);
  const minutes = Math.floor((seconds % 3_600) / 60);
  return `0000${two(days)}${two(hours)}${two(minutes)}${two(seconds % 60)}000R`;
}

function withUdh(user: Uint8Array, reference: number, total: number, sequence: number): Uint8Array {
  const out = new Uint8Array(UDH_LENGTH + user.length);
  out.set([UDH_LENGTH - 1, 0x00, 0x03, reference, total, sequence]);
  out.set(user, UDH_LENGTH);
  return out;
}

// A GSM text sent as UCS-2 anyway: every GSM character is one UTF-16 code unit (no surrogate
// pairs), so cutting every 67 units is exactly the splitter's UCS-2 rule.
function splitBmpUcs2(text: string): string[] {
  const { single, concatenated } = segmentCapacity["UCS-2"];
  if (text.length <= single) return [text];
  const parts: string[] = [];
  for (let i = 0; i < text.length; i += concatenated) parts.push(text.slice(i, i + concatenated));
  return parts;
}
