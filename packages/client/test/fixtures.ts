import { randomBytes } from "node:crypto";
import type {
  BalanceData,
  CancelData,
  HealthResponse,
  MessageStatus,
  PauseData,
  PreviewData,
  RecipientDelivery,
  ResumeData,
  SendData,
  StatusData,
} from "@lisoloo/protocol";

/** A fresh `message_id`: 24 lowercase hex characters. */
export const newMessageId = () => randomBytes(12).toString("hex");

/** A fresh phone number in the sandbox's ordinary range. */
export const newPhone = () =>
  `+24381${String(randomBytes(3).readUIntBE(0, 3) % 10_000_000).padStart(7, "0")}`;

export function previewData(): PreviewData {
  return {
    total_recipients: 2,
    total_messages: 2,
    total_cost: 0.04,
    currency: "USD",
    sending_type: "immediate",
    segments: 1,
    encoding: "GSM-7",
    dispatches: 1,
    unit_price: 0.02,
    scheduled_at: null,
    duplicates_removed: 0,
  };
}

export function sendData(messageId = newMessageId()): SendData {
  return { message_id: messageId, ...previewData(), status: "pending" };
}

export function statusData(messageId: string, status: MessageStatus = "delivered"): StatusData {
  const done = status === "delivered";
  return {
    message_id: messageId,
    status,
    delivered: done ? 2 : 0,
    failed: 0,
    pending: done ? 0 : 2,
    total_deliveries: 2,
    cancelled: 0,
    total_recipients: 2,
    segments: 1,
    sending_type: "immediate",
    next_dispatch_at: null,
    created_at: "2026-11-26T10:00:00Z",
    updated_at: done ? "2026-11-26T10:00:02Z" : "2026-11-26T10:00:00Z",
  };
}

export function recipientDelivery(phone = newPhone()): RecipientDelivery {
  return {
    phone,
    dispatch_at: "2026-11-26T10:00:00Z",
    status: "delivered",
    carrier: "sandbox",
    error_code: null,
    reason: null,
    sent_at: "2026-11-26T10:00:01Z",
    delivered_at: "2026-11-26T10:00:02Z",
    failed_at: null,
    updated_at: "2026-11-26T10:00:02Z",
  };
}

export function balanceData(): BalanceData {
  return {
    balance: 112.5,
    sms_wallet_balance: 12.5,
    postpaid_wallet_balance: 100,
    currency: "USD",
    unit_price: 0.02,
    available_sms: 5625,
  };
}

export function cancelData(messageId: string): CancelData {
  return {
    message_id: messageId,
    status: "cancelled",
    cancelled_deliveries: 2,
    refunded_amount: 0.04,
    currency: "USD",
  };
}

export function pauseData(messageId: string): PauseData {
  return { message_id: messageId, status: "paused", paused_dispatches: 3 };
}

export function resumeData(messageId: string): ResumeData {
  return {
    message_id: messageId,
    status: "scheduled",
    skipped: 1,
    refunded_amount: 0.02,
    currency: "USD",
    next_dispatch_at: "2026-12-01T07:00:00Z",
  };
}

export function healthData(): HealthResponse {
  return { status: "ok", environment: "sandbox", version: "0.1.0" };
}
