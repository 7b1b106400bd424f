import {
  commandStatus,
  createPdu,
  type DeliverSm,
  isDeliveryReceipt,
  type Pdu,
  respondTo,
} from "@lisoloo/smpp";
import { log } from "../../observability/logger";
import type { ReceiptIdFormat } from "../settings";
import type { Link } from "./link";
import { type ReceiptForwarder, readReceipt } from "./receipts";

/** What answering the SMSC's requests needs from the bind. */
export type InboundContext = {
  /** Null until the first bind: a receipt then is refused, and the SMSC sends it again. */
  forwarder: ReceiptForwarder | null;
  format: ReceiptIdFormat;
  received(): void;
  orphan(): void;
  fields: { carrier: string | undefined; bind: number | undefined };
};

/**
 * Answers a request the SMSC sent on a bind: `enquire_link`, `unbind` (then the link closes),
 * `deliver_sm` (a receipt is answered once it is queued, refused if it cannot be, so the SMSC sends it
 * again; an inbound SMS is acknowledged and logged), anything else `generic_nack`.
 */
export function answerRequest(pdu: Pdu, link: Link, ctx: InboundContext): void {
  switch (pdu.command) {
    case "enquire_link":
      void link.send(respondTo(pdu));
      return;
    case "unbind":
      void link.send(respondTo(pdu)).then(() => link.close("unbound by the SMSC"));
      return;
    case "deliver_sm":
      delivered(pdu, link, ctx);
      return;
    default:
      void link.send(
        createPdu("generic_nack", {
          command_status: commandStatus.ESME_RINVCMDID,
          sequence_number: pdu.sequence_number,
        }),
      );
  }
}

function delivered(pdu: DeliverSm, link: Link, ctx: InboundContext): void {
  const { fields } = ctx;
  if (!isDeliveryReceipt(pdu)) {
    log.info("smpp.inbound_sms", {
      ...fields,
      source_addr: pdu.source_addr,
      destination_addr: pdu.destination_addr,
      octets: pdu.short_message.length,
    });
    void link.send(respondTo(pdu));
    return;
  }
  const read = readReceipt(pdu, ctx.format, new Date().toISOString());
  if ("receipt" in read) {
    ctx.received();
    if (ctx.forwarder === null) {
      void link.send(respondTo(pdu, { command_status: commandStatus.ESME_RX_T_APPN }));
      return;
    }
    ctx.forwarder.add(read.receipt, (queued) => {
      if (!queued)
        log.error("smpp.receipt_not_queued", {
          ...fields,
          carrier_message_id: read.receipt.carrierMessageId,
        });
      void link.send(respondTo(pdu, queued ? {} : { command_status: commandStatus.ESME_RX_T_APPN }));
    });
    return;
  }
  if ("orphan" in read) {
    ctx.orphan();
    log.warn("receipt.orphan", { ...fields, carrier_message_id: read.orphan, receipt_id_format: ctx.format });
  } else {
    log.warn("smpp.receipt_unusable", { ...fields, ...read });
  }
  void link.send(respondTo(pdu));
}
