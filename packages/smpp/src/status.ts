/**
 * The `command_status` values of SMPP 3.4 (section 5.1.3), by their spec names. A response
 * carries one; anything but `ESME_ROK` is an error.
 */
export const commandStatus = {
  ESME_ROK: 0x00,
  ESME_RINVMSGLEN: 0x01,
  ESME_RINVCMDLEN: 0x02,
  ESME_RINVCMDID: 0x03,
  ESME_RINVBNDSTS: 0x04,
  ESME_RALYBND: 0x05,
  ESME_RINVPRTFLG: 0x06,
  ESME_RINVREGDLVFLG: 0x07,
  ESME_RSYSERR: 0x08,
  ESME_RINVSRCADR: 0x0a,
  ESME_RINVDSTADR: 0x0b,
  ESME_RINVMSGID: 0x0c,
  ESME_RBINDFAIL: 0x0d,
  ESME_RINVPASWD: 0x0e,
  ESME_RINVSYSID: 0x0f,
  ESME_RCANCELFAIL: 0x11,
  ESME_RREPLACEFAIL: 0x13,
  ESME_RMSGQFUL: 0x14,
  ESME_RINVSERTYP: 0x15,
  ESME_RINVNUMDESTS: 0x33,
  ESME_RINVDLNAME: 0x34,
  ESME_RINVDESTFLAG: 0x40,
  ESME_RINVSUBREP: 0x42,
  ESME_RINVESMCLASS: 0x43,
  ESME_RCNTSUBDL: 0x44,
  ESME_RSUBMITFAIL: 0x45,
  ESME_RINVSRCTON: 0x48,
  ESME_RINVSRCNPI: 0x49,
  ESME_RINVDSTTON: 0x50,
  ESME_RINVDSTNPI: 0x51,
  ESME_RINVSYSTYP: 0x53,
  ESME_RINVREPFLAG: 0x54,
  ESME_RINVNUMMSGS: 0x55,
  ESME_RTHROTTLED: 0x58,
  ESME_RINVSCHED: 0x61,
  ESME_RINVEXPIRY: 0x62,
  ESME_RINVDFTMSGID: 0x63,
  ESME_RX_T_APPN: 0x64,
  ESME_RX_P_APPN: 0x65,
  ESME_RX_R_APPN: 0x66,
  ESME_RQUERYFAIL: 0x67,
  ESME_RINVOPTPARSTREAM: 0xc0,
  ESME_ROPTPARNOTALLWD: 0xc1,
  ESME_RINVPARLEN: 0xc2,
  ESME_RMISSINGOPTPARAM: 0xc3,
  ESME_RINVOPTPARAMVAL: 0xc4,
  ESME_RDELIVERYFAILURE: 0xfe,
  ESME_RUNKNOWNERR: 0xff,
} as const;

/** The spec name of a known `command_status`. */
export type CommandStatusName = keyof typeof commandStatus;

/** How a connector treats a response status (CONTRACT §12). */
export type StatusClass = "ok" | "transient" | "permanent";

const nameByStatus = new Map<number, CommandStatusName>(
  Object.entries(commandStatus).map(([name, value]) => [value, name as CommandStatusName]),
);

// The SMSC is busy or briefly broken: the same submit_sm may well succeed later. Every other error
// says something about the message or the account, which retrying does not change.
const transientStatuses: ReadonlySet<number> = new Set([
  commandStatus.ESME_RTHROTTLED,
  commandStatus.ESME_RMSGQFUL,
  commandStatus.ESME_RSYSERR,
  commandStatus.ESME_RX_T_APPN,
]);

/**
 * Whether a `command_status` means success, an error worth retrying (throttled, queue full, system
 * error, temporary application error) or a final refusal (CONTRACT §12). A status this codec does
 * not know is permanent: retrying the unknown until validity ends would only delay the failure.
 * @example statusClass(0x58) // "transient": pause the bind, then retry
 * @example statusClass(commandStatus.ESME_RINVDSTADR) // "permanent"
 */
export function statusClass(status: number): StatusClass {
  if (status === commandStatus.ESME_ROK) return "ok";
  return transientStatuses.has(status) ? "transient" : "permanent";
}

/**
 * The spec name of a status, or its hexadecimal value when it has none (vendor codes 0x400–0x4FF).
 * @example statusName(0x0b) // "ESME_RINVDSTADR"
 * @example statusName(0x401) // "0x00000401"
 */
export function statusName(status: number): string {
  return nameByStatus.get(status) ?? formatStatus(status);
}

/**
 * The status as an error message shows it: the name and the value, so a vendor's code stays
 * searchable in its documentation.
 * @example describeStatus(0x0b) // "ESME_RINVDSTADR (0x0000000B)"
 * @example describeStatus(0x401) // "0x00000401"
 */
export function describeStatus(status: number): string {
  const name = nameByStatus.get(status);
  return name === undefined ? formatStatus(status) : `${name} (${formatStatus(status)})`;
}

function formatStatus(status: number): string {
  return `0x${(status >>> 0).toString(16).toUpperCase().padStart(8, "0")}`;
}
