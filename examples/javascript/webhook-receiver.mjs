// A webhook receiver (docs: Webhooks → Webhook configuration, Event types) with node:http and
// node:crypto only. Node ≥ 20.
//   PORT=3000 WEBHOOK_USERNAME=… WEBHOOK_PASSWORD=… WEBHOOK_SECRET=whsec_… node webhook-receiver.mjs
// It refuses a wrong or missing Basic login (401) and a bad or stale signature (400), answers 204 to
// every verified event, ignores an event_id it has already seen, and prints one line per new event:
//   verified sms.delivered 6b0ec18c17574faf94a6a2c4 +243998857000
import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import { createServer } from "node:http";

const PORT = Number(process.env.PORT || 3000);
const USERNAME = process.env.WEBHOOK_USERNAME ?? "";
const PASSWORD = process.env.WEBHOOK_PASSWORD ?? "";
const SECRET = process.env.WEBHOOK_SECRET ?? "";
if (!USERNAME || !PASSWORD || !SECRET) {
  console.error(
    "Set WEBHOOK_USERNAME, WEBHOOK_PASSWORD (the Basic login set on the key) and WEBHOOK_SECRET (its whsec_ secret)",
  );
  process.exit(2);
}

// The HMAC key is the base64-decoded part after "whsec_".
const secretKey = Buffer.from(SECRET.replace(/^whsec_/, ""), "base64");
const TOLERANCE_SECONDS = 5 * 60;

// Delivery is at least once: the same event_id may arrive again. A real receiver records it in its
// database under a unique constraint; a Set is enough for an example.
const seenEventIds = new Set();

/** @param {string} s */
const sha256 = (s) => createHash("sha256").update(s).digest();

/**
 * Constant-time string equality: timingSafeEqual needs equal lengths, and digests always are.
 * @param {string} a
 * @param {string} b
 */
function same(a, b) {
  return timingSafeEqual(sha256(a), sha256(b));
}

/**
 * Decode `Authorization: Basic …`, split on the first ':', compare both parts in constant time.
 * @param {string | undefined} header
 */
function basicAuthOk(header) {
  const [scheme, encoded = ""] = (header ?? "").split(" ");
  if (scheme?.toLowerCase() !== "basic") return false;
  const decoded = Buffer.from(encoded, "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon < 0) return false;
  // Both comparisons always run, so the time taken does not say which part was wrong.
  const userOk = same(decoded.slice(0, colon), USERNAME);
  const passwordOk = same(decoded.slice(colon + 1), PASSWORD);
  return userOk && passwordOk;
}

/**
 * Null when the Standard Webhooks signature is valid and fresh, else why not.
 * @param {import("node:http").IncomingHttpHeaders} headers
 * @param {Buffer} body the raw request body
 */
function signatureProblem(headers, body) {
  const id = String(headers["webhook-id"] ?? "");
  const timestamp = String(headers["webhook-timestamp"] ?? "");
  const signatures = String(headers["webhook-signature"] ?? "");
  if (!/^\d+$/.test(timestamp)) return "missing webhook-timestamp";
  if (Math.abs(Date.now() / 1000 - Number(timestamp)) > TOLERANCE_SECONDS) {
    return "timestamp too old or too new";
  }
  const expected = createHmac("sha256", secretKey)
    .update(`${id}.${timestamp}.`)
    .update(body)
    .digest("base64");
  // Space-separated "v1,<signature>" entries (several during a secret rotation): any may match.
  for (const entry of signatures.split(" ")) {
    const [version, signature = ""] = entry.split(",");
    if (version === "v1" && same(signature, expected)) return null;
  }
  return "invalid signature";
}

/**
 * @param {import("node:http").ServerResponse} res
 * @param {number} status
 * @param {string} [text]
 * @param {Record<string, string>} [headers]
 */
function answer(res, status, text, headers = {}) {
  res.writeHead(status, text === undefined ? headers : { ...headers, "Content-Type": "text/plain" });
  res.end(text === undefined ? undefined : `${text}\n`);
}

const server = createServer((req, res) => {
  /** @type {Buffer[]} */
  const chunks = [];
  req.on("data", (chunk) => chunks.push(chunk));
  req.on("end", () => {
    // The raw bytes: the signature covers the body exactly as sent, not a re-serialisation of it.
    const body = Buffer.concat(chunks);
    if (req.method !== "POST") return answer(res, 405, "POST only");
    if (!basicAuthOk(req.headers.authorization)) {
      return answer(res, 401, "unauthorized", { "WWW-Authenticate": 'Basic realm="lisoloo-webhooks"' });
    }
    const problem = signatureProblem(req.headers, body);
    if (problem) return answer(res, 400, problem);

    // Only now is the body trusted: parse exactly the bytes that were verified.
    const event = JSON.parse(body.toString("utf8"));
    if (seenEventIds.has(event.event_id)) {
      console.log(`duplicate ${event.event_id}`);
    } else {
      seenEventIds.add(event.event_id);
      const phone = event.data?.recipient_phone;
      console.log(`verified ${event.event_type} ${event.message_id}${phone ? ` ${phone}` : ""}`);
    }
    // Answer at once; slow work belongs in a queue, or the gateway's 10 s timeout triggers retries.
    answer(res, 204);
  });
});

// Local development only: the gateway accepts http:// callbacks to 127.0.0.1 when the deployment
// allows it (`pnpm start` does); a real endpoint is https:// on a public name.
server.listen(PORT, "127.0.0.1", () => console.log(`listening on http://127.0.0.1:${PORT}`));
