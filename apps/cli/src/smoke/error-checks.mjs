// The error envelope (CONTRACT §3) as an integration meets it: a wrong key, a bad field. Both are
// refused before anything is stored or debited, so they are safe against any deployment.
import { errorEnvelopeSchema } from "@lisoloo/protocol/schemas";
import { firstIssue, shown } from "./http.mjs";
import { failed, passed } from "./report.mjs";

/** @typedef {import("./http.mjs").GatewayHttp} GatewayHttp */
/** @typedef {import("./http.mjs").Answer} Answer */

/**
 * An error answer as the contract documents it: the HTTP status, the code, the envelope, and the
 * request id equal to `X-Request-Id`. Returns the envelope, or the sentence saying what differs.
 * @param {string} request what was sent, e.g. `POST /send with a wrong key`
 * @param {Answer} answer
 * @param {number} status
 * @param {string} code
 * @returns {{ envelope: import("@lisoloo/protocol/schemas").ErrorEnvelope } | { problem: string }}
 */
export function documentedError(request, answer, status, code) {
  const parsed = errorEnvelopeSchema.safeParse(answer.body);
  if (!parsed.success)
    return {
      problem: `${request} answered ${answer.status} ${shown(answer)}, not the error envelope (${firstIssue(parsed.error)})`,
    };
  const envelope = parsed.data;
  if (answer.status !== status || envelope.error_code !== code || envelope.status_code !== answer.status)
    return {
      problem: `${request} answered ${answer.status} ${envelope.error_code} "${envelope.message}", expected ${status} ${code}`,
    };
  if (answer.requestId !== envelope.request_id)
    return {
      problem: `${request}: X-Request-Id ${answer.requestId ?? "missing"} differs from request_id ${envelope.request_id}`,
    };
  return { envelope };
}

/**
 * A well-formed but wrong key is refused with 401 1001 (its checksum does not match, so the gateway
 * says so without a lookup; the revoked throwaway key at the end covers the lookup).
 * @param {GatewayHttp} http
 * @param {"sandbox" | "production" | undefined} environment
 */
export async function checkAuthError(http, environment) {
  const wrongKey = `${environment === "production" ? "sk_live_" : "sk_test_"}${"0".repeat(32)}`;
  const request = "POST /send with a wrong key";
  const answer = await http.api("/send", {
    method: "POST",
    key: wrongKey,
    body: { to: ["+243998857000"], message: "Lisoloo smoke test" },
  });
  const result = documentedError(request, answer, 401, "1001");
  if ("problem" in result) return failed(result.problem);
  return passed(
    `${request}: 401 1001 "${result.envelope.message}", request id ${result.envelope.request_id}`,
  );
}

/**
 * A send to an invalid number is refused with 400 1104 naming the field (`to[0]`); nothing is
 * stored or debited, so it is safe with any key, production included.
 * @param {GatewayHttp} http
 * @param {string} key
 */
export async function checkFieldError(http, key) {
  const request = 'POST /send to "12ab"';
  const answer = await http.api("/send", {
    method: "POST",
    key,
    body: { to: ["12ab"], message: "Lisoloo smoke test" },
  });
  const result = documentedError(request, answer, 400, "1104");
  if ("problem" in result) return failed(result.problem);
  const fields = (result.envelope.details ?? []).map((d) => d.field);
  if (!fields.includes("to[0]"))
    return failed(`${request}: 400 1104, but details name ${fields.join(", ") || "no field"}, not to[0]`);
  return passed(`${request}: 400 1104 "${result.envelope.message}", details name to[0]`);
}
