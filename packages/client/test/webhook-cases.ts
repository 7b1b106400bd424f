import { signWebhook } from "../src/webhooks/index.js";
import { events, newSecret, pingEvent } from "./webhook-events.js";

/** A webhook request as it goes on the wire. */
export interface WireRequest {
  method: string;
  headers: Record<string, string>;
  body: string | null;
}

/** One request and the answer every ready-made receiver must give it. */
export interface WebhookCase {
  name: string;
  /** The request, for a receiver that holds `secret`. */
  request: (secret: string) => Promise<WireRequest>;
  status: number;
  /** The answer's body; `""` for none at all. */
  body: string;
  /** Whether `onEvent` must see the request's event. */
  delivered: boolean;
}

const signed = async (secret: string, payload: unknown, timestamp?: number): Promise<WireRequest> => ({
  method: "POST",
  ...(await signWebhook({ secret, payload, ...(timestamp === undefined ? {} : { timestamp }) })),
});

const now = () => Math.floor(Date.now() / 1000);

/** The answers CONTRACT §8 and the receivers' documentation promise, request by request. */
export const webhookCases: WebhookCase[] = [
  {
    name: "a signed sms.delivered",
    request: (secret) => signed(secret, events["sms.delivered"]()),
    status: 204,
    body: "",
    delivered: true,
  },
  {
    name: "a signed sms.failed",
    request: (secret) => signed(secret, events["sms.failed"]()),
    status: 204,
    body: "",
    delivered: true,
  },
  {
    name: "an operator's webhook.ping",
    request: (secret) => signed(secret, pingEvent()),
    status: 204,
    body: "",
    delivered: false,
  },
  {
    name: "an event type newer than this package",
    request: (secret) => signed(secret, { ...events["sms.sent"](), event_type: "sms.read" }),
    status: 204,
    body: "",
    delivered: false,
  },
  {
    name: "a request signed with another secret",
    request: () => signed(newSecret(), events["sms.delivered"]()),
    status: 401,
    body: "no_matching_signature",
    delivered: false,
  },
  {
    name: "a request without webhook-signature",
    request: async (secret) => {
      const request = await signed(secret, events["sms.delivered"]());
      const { "webhook-signature": _dropped, ...headers } = request.headers;
      return { ...request, headers };
    },
    status: 401,
    body: "missing_header",
    delivered: false,
  },
  {
    name: "a request signed ten minutes ago",
    request: (secret) => signed(secret, events["sms.delivered"](), now() - 600),
    status: 401,
    body: "timestamp_too_old",
    delivered: false,
  },
  {
    name: "a signed body that is not JSON",
    request: (secret) => signed(secret, "ok"),
    status: 400,
    body: "invalid_payload",
    delivered: false,
  },
  {
    name: "a signed sms.delivered without its data",
    request: (secret) => signed(secret, { ...events["sms.delivered"](), data: {} }),
    status: 400,
    body: "invalid_payload",
    delivered: false,
  },
  {
    name: "a GET",
    request: async () => ({ method: "GET", headers: {}, body: null }),
    status: 405,
    body: "Only POST is accepted",
    delivered: false,
  },
];
