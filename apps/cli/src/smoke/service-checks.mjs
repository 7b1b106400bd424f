// The checks of what the gateway serves to anyone: the liveness probe and the OpenAPI document
// (CONTRACT §1), `/health` held to the protocol's schema.
import { healthResponseSchema } from "@lisoloo/protocol/schemas";
import { firstIssue, shown } from "./http.mjs";
import { failed, passed } from "./report.mjs";

/** @typedef {import("./http.mjs").GatewayHttp} GatewayHttp */

/**
 * `GET /health`: status ok, and the environment and version it names (the value is the parsed body).
 * @param {GatewayHttp} http
 */
export async function checkHealth(http) {
  const answer = await http.api("/health");
  const parsed = healthResponseSchema.safeParse(answer.body);
  if (answer.status !== 200 || !parsed.success)
    return failed(
      `GET /health answered ${answer.status} ${shown(answer)}${parsed.success ? "" : ` (${firstIssue(parsed.error)})`}`,
    );
  const { status, environment, version } = parsed.data;
  return passed(`GET /health: ${status}, environment ${environment}, version ${version}`, parsed.data);
}

/**
 * `GET /openapi.json` is served, parses as JSON and is an OpenAPI 3.1 document with the documented
 * routes; its `info.version` should be the version `/health` names.
 * @param {GatewayHttp} http
 * @param {string | undefined} version
 */
export async function checkOpenApi(http, version) {
  const answer = await http.root("/openapi.json");
  if (answer.status !== 200) return failed(`GET /openapi.json answered ${answer.status} ${shown(answer)}`);
  if (answer.body === undefined || answer.body === null)
    return failed(`GET /openapi.json is not JSON: ${shown(answer)}`);
  const doc = /** @type {{ openapi?: unknown; info?: { version?: unknown }; paths?: object }} */ (
    answer.body
  );
  if (typeof doc.openapi !== "string" || !doc.openapi.startsWith("3.1"))
    return failed(`GET /openapi.json: "openapi" is ${JSON.stringify(doc.openapi)}, not 3.1.x`);
  const paths = Object.keys(doc.paths ?? {});
  const missing = ["/send", "/status/{message_id}", "/balance", "/health"].filter((p) => !paths.includes(p));
  if (missing.length > 0) return failed(`GET /openapi.json: no path ${missing.join(", ")}`);
  if (version !== undefined && doc.info?.version !== version)
    return failed(`GET /openapi.json: info.version ${doc.info?.version}, but /health says ${version}`);
  return passed(
    `GET /openapi.json: OpenAPI ${doc.openapi}, ${paths.length} paths, version ${doc.info?.version}`,
  );
}
