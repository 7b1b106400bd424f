export { freePort } from "./free-port";
export { type DevGateway, type DevGatewayOptions, startDevGateway } from "./start-dev-gateway";
