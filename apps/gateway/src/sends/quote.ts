import {
  countSegments,
  DEFAULT_UNIT_PRICE_MICROS,
  expandSchedule,
  formatLocalIso,
  priceSend,
  type SendRequest,
  type Transliteration,
  transliterate,
} from "@lisoloo/protocol";
import type { MerchantContext } from "../env";
import { ApiError, type ErrorDetail } from "../errors/api-error";
import { countriesOf } from "./calling-codes";

const SANDBOX_MAGIC_PREFIX = "+999";

/** Everything `/send` will store and debit, and `/preview` will show, for one valid request. */
export type Quote = {
  request: SendRequest;
  message: string;
  senderId: string;
  encoding: "GSM-7" | "UCS-2";
  segments: number;
  instants: Date[];
  scheduledAtLocal: string | null;
  unitPriceMicros: number;
  totalMessages: number;
  totalCostMicros: number;
  transliterated: {
    replacements: Transliteration["replacements"];
    unmapped: Transliteration["unmapped"];
  } | null;
};

/** Refuses recipients outside the merchant's allow-list (403 `1305`), naming each one. */
function checkDestinations(phones: readonly string[], merchant: MerchantContext, environment: string): void {
  const allowed = merchant.allowedCountries;
  if (!allowed || allowed.length === 0) return;
  const details: ErrorDetail[] = [];
  phones.forEach((phone, i) => {
    if (environment === "sandbox" && phone.startsWith(SANDBOX_MAGIC_PREFIX)) return;
    if (!countriesOf(phone).some((country) => allowed.includes(country))) {
      details.push({
        field: `to[${i}]`,
        message: `Destination ${phone} is not allowed`,
        code: "DESTINATION_NOT_ALLOWED",
      });
    }
  });
  if (details.length > 0) throw new ApiError("1305", { details });
}

/**
 * Turns a validated request into a priced plan: sender default, optional transliteration, segments,
 * the dispatch instants in the merchant's zone (400 `1103` when none remains), and the total cost.
 */
export function quoteSend(
  request: SendRequest,
  merchant: MerchantContext,
  environment: string,
  now: Date,
): Quote {
  checkDestinations(request.to, merchant, environment);
  const swapped = request.transliterate ? transliterate(request.message) : null;
  const message = swapped ? swapped.text : request.message;
  const { encoding, segments } = countSegments(message);

  const schedule = expandSchedule(request, { timeZone: merchant.timeZone, now });
  if (!schedule.ok) throw new ApiError("1103", { details: schedule.details });

  const unitPriceMicros = merchant.unitPriceMicros ?? DEFAULT_UNIT_PRICE_MICROS;
  const price = priceSend({
    recipients: request.to.length,
    segments,
    dispatches: schedule.instants.length,
    unitPriceMicros,
  });
  return {
    request,
    message,
    senderId: request.sender_id ?? merchant.defaultSenderId ?? "LISOLOO",
    encoding,
    segments,
    instants: schedule.instants,
    scheduledAtLocal:
      request.sending_type === "immediate"
        ? null
        : formatLocalIso(schedule.instants[0] as Date, merchant.timeZone),
    unitPriceMicros,
    totalMessages: price.totalMessages,
    totalCostMicros: price.totalCostMicros,
    transliterated: swapped ? { replacements: swapped.replacements, unmapped: swapped.unmapped } : null,
  };
}
