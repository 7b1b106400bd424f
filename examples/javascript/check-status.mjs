// The current status of a send (docs: Guides → Check message status). Node ≥ 20, no dependencies.
//   BASE_URL=http://127.0.0.1:8787 API_KEY=sk_test_… node check-status.mjs <message_id>
const API_URL = `${process.env.BASE_URL || "http://127.0.0.1:8787"}/api/v1/lisoloo/sms-api`;
const API_KEY = process.env.API_KEY || process.env.LISOLOO_API_KEY;
if (!API_KEY) {
  console.error("Set API_KEY (or LISOLOO_API_KEY) to your sk_test_… key");
  process.exit(2);
}
const messageId = process.argv[2] || process.env.MESSAGE_ID;
if (!messageId) {
  console.error("usage: node check-status.mjs <message_id> (or set MESSAGE_ID)");
  process.exit(2);
}

const r = await fetch(`${API_URL}/status/${messageId}`, {
  headers: { "app-key": API_KEY },
});
console.log(JSON.stringify(await r.json(), null, 2));
if (!r.ok) process.exitCode = 1;
