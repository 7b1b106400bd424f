/**
 * The PDUs of SMPP 3.4 this codec reads and writes, as plain data. Field names are the spec's
 * (section 4), so a PDU reads like the spec's tables and like a capture in Wireshark.
 */

/** The Network Type and Error Code of a `network_error_code` TLV (3 octets on the wire). */
export interface NetworkErrorCode {
  /** 1 ANSI-136, 2 IS-95, 3 GSM, 4 reserved. */
  network_type: number;
  error_code: number;
}

/** A TLV this codec does not name, kept as it came so it is written back unchanged. */
export interface RawTlv {
  tag: number;
  value: Uint8Array;
}

/**
 * The optional parameters (TLVs) of a PDU. A known tag whose length does not fit its type arrives
 * in `unknown` instead: one malformed optional field must not cost a receipt. When a tag appears
 * twice, the last one wins.
 */
export interface Tlvs {
  /** 0x001E: the SMSC message id a delivery receipt is about. */
  receipted_message_id?: string;
  /** 0x0204 */
  user_message_reference?: number;
  /** 0x020C: the reference shared by the segments of a message (SAR, instead of a UDH). */
  sar_msg_ref_num?: number;
  /** 0x020E */
  sar_total_segments?: number;
  /** 0x020F: 1-based. */
  sar_segment_seqnum?: number;
  /** 0x0210: in a bind response, the SMPP version the SMSC speaks (0x34). */
  sc_interface_version?: number;
  /** 0x0423 */
  network_error_code?: NetworkErrorCode;
  /** 0x0424: the message when it does not fit `short_message` (then empty). */
  message_payload?: Uint8Array;
  /** 0x0427: the final state in a delivery receipt, 1 ENROUTE … 8 REJECTD. */
  message_state?: number;
  /** Every other TLV, in the order received; only present when there is one. */
  unknown?: RawTlv[];
}

/** What every PDU has besides its command's own fields. */
export interface PduHeader {
  command_status: number;
  sequence_number: number;
  tlvs: Tlvs;
}

/** bind_receiver, bind_transmitter, bind_transceiver. */
export interface BindBody {
  system_id: string;
  password: string;
  system_type: string;
  /** 0x34 for SMPP 3.4. */
  interface_version: number;
  addr_ton: number;
  addr_npi: number;
  address_range: string;
}

/** The bind responses. */
export interface BindRespBody {
  system_id: string;
}

/** submit_sm and deliver_sm share their mandatory fields. */
export interface ShortMessageBody {
  service_type: string;
  source_addr_ton: number;
  source_addr_npi: number;
  source_addr: string;
  dest_addr_ton: number;
  dest_addr_npi: number;
  destination_addr: string;
  /** 0x40: `short_message` starts with a user data header; 0x04 (deliver_sm): a delivery receipt. */
  esm_class: number;
  protocol_id: number;
  priority_flag: number;
  /** An SMPP time string (`YYMMDDhhmmsstnnp`) or "" for immediately. */
  schedule_delivery_time: string;
  /** An SMPP time string, absolute or relative (`…000R`), or "" for the SMSC's default. */
  validity_period: string;
  registered_delivery: number;
  replace_if_present_flag: number;
  /** 0 SMSC default alphabet (GSM-7 here), 3 Latin-1, 8 UCS-2. */
  data_coding: number;
  sm_default_msg_id: number;
  /** The user data, at most 254 octets; `sm_length` is derived from it. */
  short_message: Uint8Array;
}

/** submit_sm_resp and deliver_sm_resp. */
export interface MessageIdBody {
  /** The SMSC's id for the message (submit_sm_resp); always "" in deliver_sm_resp. */
  message_id: string;
}

/** The PDUs that are a header and nothing else. */
export type EmptyBody = Record<never, never>;

/** The body of each command this codec knows. */
export interface PduBodies {
  bind_receiver: BindBody;
  bind_receiver_resp: BindRespBody;
  bind_transmitter: BindBody;
  bind_transmitter_resp: BindRespBody;
  bind_transceiver: BindBody;
  bind_transceiver_resp: BindRespBody;
  submit_sm: ShortMessageBody;
  submit_sm_resp: MessageIdBody;
  deliver_sm: ShortMessageBody;
  deliver_sm_resp: MessageIdBody;
  unbind: EmptyBody;
  unbind_resp: EmptyBody;
  enquire_link: EmptyBody;
  enquire_link_resp: EmptyBody;
  generic_nack: EmptyBody;
}

/** The name of a command, as in the spec: `submit_sm`, `enquire_link_resp`, … */
export type CommandName = keyof PduBodies;

/** A command that expects a response: the name without `_resp`, other than generic_nack. */
export type RequestCommand = Exclude<CommandName, `${string}_resp` | "generic_nack">;

/** The response command of a request command. */
export type ResponseCommand<C extends RequestCommand> = Extract<`${C}_resp`, CommandName>;

/** One PDU of the given command. */
export type PduOf<C extends CommandName> = { command: C } & PduHeader & PduBodies[C];

/** Any PDU this codec knows, discriminated by `command`. */
export type Pdu = { [C in CommandName]: PduOf<C> }[CommandName];

export type SubmitSm = PduOf<"submit_sm">;
export type SubmitSmResp = PduOf<"submit_sm_resp">;
export type DeliverSm = PduOf<"deliver_sm">;
export type DeliverSmResp = PduOf<"deliver_sm_resp">;
export type GenericNack = PduOf<"generic_nack">;
