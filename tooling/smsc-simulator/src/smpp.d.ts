// The part of the npm smpp package (0.5.1, untyped CommonJS) this package uses.
declare module "smpp" {
  import type { EventEmitter } from "node:events";

  export class PDU {
    constructor(command: string | Buffer, options?: Record<string, unknown>);
    command: string;
    command_id: number;
    command_status: number;
    sequence_number: number;
    isResponse(): boolean;
    response(options?: Record<string, unknown>): PDU;
    toBuffer(): Buffer;
    /** Every decoded field and TLV, under its SMPP name. */
    [field: string]: unknown;
  }

  type Callback = (pdu: PDU) => void;

  export class Session extends EventEmitter {
    send(pdu: PDU, responseCallback?: Callback, sendCallback?: Callback): boolean;
    close(callback?: () => void): void;
    destroy(callback?: () => void): void;
    pause(): void;
    resume(): void;
    bind_transceiver(options: Record<string, unknown>, callback?: Callback): boolean;
    bind_transmitter(options: Record<string, unknown>, callback?: Callback): boolean;
    bind_receiver(options: Record<string, unknown>, callback?: Callback): boolean;
    submit_sm(options: Record<string, unknown>, callback?: Callback): boolean;
    enquire_link(options: Record<string, unknown>, callback?: Callback): boolean;
    unbind(options: Record<string, unknown>, callback?: Callback): boolean;
  }

  export function connect(
    options: { url?: string; host?: string; port?: number; auto_enquire_link_period?: number },
    listener?: () => void,
  ): Session;

  const smpp: {
    PDU: typeof PDU;
    Session: typeof Session;
    connect: typeof connect;
    ESME_ROK: number;
    ESME_RINVMSGLEN: number;
    ESME_RINVCMDLEN: number;
    ESME_RINVCMDID: number;
    ESME_RINVBNDSTS: number;
    ESME_RALYBND: number;
    ESME_RSYSERR: number;
    ESME_RINVDSTADR: number;
    ESME_RBINDFAIL: number;
    ESME_RINVPASWD: number;
    ESME_RINVSYSID: number;
    ESME_RMSGQFUL: number;
    ESME_RTHROTTLED: number;
    ESME_RX_T_APPN: number;
  };
  export default smpp;
}
