export type { WebhookHandlerOptions } from "../webhooks/receive.js";
export {
  createNodeWebhookHandler,
  type NodeWebhookRequest,
  type NodeWebhookResponse,
} from "./webhook-handler.js";
