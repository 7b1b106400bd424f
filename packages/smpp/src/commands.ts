import type { CommandName, PduBodies, PduHeader, PduOf, RequestCommand, ResponseCommand } from "./types.js";

/** The command_id of each command (SMPP 3.4 §5.1.2); a response is its request's id | 0x80000000. */
export const commandIds = {
  generic_nack: 0x80000000,
  bind_receiver: 0x00000001,
  bind_receiver_resp: 0x80000001,
  bind_transmitter: 0x00000002,
  bind_transmitter_resp: 0x80000002,
  submit_sm: 0x00000004,
  submit_sm_resp: 0x80000004,
  deliver_sm: 0x00000005,
  deliver_sm_resp: 0x80000005,
  unbind: 0x00000006,
  unbind_resp: 0x80000006,
  bind_transceiver: 0x00000009,
  bind_transceiver_resp: 0x80000009,
  enquire_link: 0x00000015,
  enquire_link_resp: 0x80000015,
} as const satisfies Record<CommandName, number>;

/** How a mandatory field is laid out: an integer octet, a C-octet string, or `sm_length` + octets. */
export type FieldKind = "u8" | "cstring" | "short_message";

/** A command's mandatory fields in wire order. */
export type Layout = readonly (readonly [name: string, kind: FieldKind])[];

const bind: Layout = [
  ["system_id", "cstring"],
  ["password", "cstring"],
  ["system_type", "cstring"],
  ["interface_version", "u8"],
  ["addr_ton", "u8"],
  ["addr_npi", "u8"],
  ["address_range", "cstring"],
];

const shortMessage: Layout = [
  ["service_type", "cstring"],
  ["source_addr_ton", "u8"],
  ["source_addr_npi", "u8"],
  ["source_addr", "cstring"],
  ["dest_addr_ton", "u8"],
  ["dest_addr_npi", "u8"],
  ["destination_addr", "cstring"],
  ["esm_class", "u8"],
  ["protocol_id", "u8"],
  ["priority_flag", "u8"],
  ["schedule_delivery_time", "cstring"],
  ["validity_period", "cstring"],
  ["registered_delivery", "u8"],
  ["replace_if_present_flag", "u8"],
  ["data_coding", "u8"],
  ["sm_default_msg_id", "u8"],
  ["short_message", "short_message"],
];

const systemId: Layout = [["system_id", "cstring"]];
const messageId: Layout = [["message_id", "cstring"]];

/** The mandatory fields of each command. */
export const layouts: Record<CommandName, Layout> = {
  generic_nack: [],
  bind_receiver: bind,
  bind_receiver_resp: systemId,
  bind_transmitter: bind,
  bind_transmitter_resp: systemId,
  submit_sm: shortMessage,
  submit_sm_resp: messageId,
  deliver_sm: shortMessage,
  deliver_sm_resp: messageId,
  unbind: [],
  unbind_resp: [],
  bind_transceiver: bind,
  bind_transceiver_resp: systemId,
  enquire_link: [],
  enquire_link_resp: [],
};

/** The command of a command_id, or undefined when this codec does not know it. */
export const commandById: ReadonlyMap<number, CommandName> = new Map(
  Object.entries(commandIds).map(([name, id]) => [id, name as CommandName]),
);

/** SMPP 3.4: the interface_version of a bind. */
export const SMPP_VERSION_34 = 0x34;

/** Whether a command is a response (its id has the top bit set), generic_nack included. */
export function isResponse(command: CommandName): boolean {
  return (commandIds[command] & 0x80000000) !== 0;
}

/** The fields of a command's body with their empty values: 0, "", no octets. */
export function emptyBody<C extends CommandName>(command: C): PduBodies[C] {
  const body: Record<string, unknown> = {};
  for (const [name, kind] of layouts[command]) {
    body[name] = kind === "u8" ? 0 : kind === "cstring" ? "" : new Uint8Array(0);
  }
  if ("interface_version" in body) body.interface_version = SMPP_VERSION_34;
  return body as PduBodies[C];
}

/** The fields of {@link createPdu}: any of the PDU's own, header included. */
export type PduInit<C extends CommandName> = Partial<PduHeader & PduBodies[C]>;

/**
 * A PDU with every field not given set to its empty value (0, "", no octets; interface_version
 * 0x34), status 0, sequence number 0 and no TLVs. The caller sets the sequence number it tracks.
 * @example createPdu("enquire_link", { sequence_number: 7 })
 * // { command: "enquire_link", command_status: 0, sequence_number: 7, tlvs: {} }
 * @example createPdu("bind_transceiver", { sequence_number: 1, system_id: "lisoloo", password: "secret" })
 */
export function createPdu<C extends CommandName>(command: C, init: PduInit<C> = {}): PduOf<C> {
  return {
    command,
    command_status: 0,
    sequence_number: 0,
    ...emptyBody(command),
    tlvs: {},
    ...init,
  } as unknown as PduOf<C>;
}

/**
 * The response to a request: its command with `_resp`, the same sequence number, status 0 unless
 * given.
 * @example respondTo(deliverSm) // deliver_sm_resp, status 0, deliverSm's sequence number
 * @example respondTo(submitSm, { command_status: commandStatus.ESME_RTHROTTLED }) // in a simulator
 */
export function respondTo<C extends RequestCommand>(
  request: PduOf<C>,
  init: PduInit<ResponseCommand<C>> = {},
): PduOf<ResponseCommand<C>> {
  const command = `${request.command}_resp` as ResponseCommand<C>;
  return createPdu(command, { sequence_number: request.sequence_number, ...init });
}
