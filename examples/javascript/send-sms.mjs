// Send an instant SMS (docs: Guides → Send an instant SMS). Node ≥ 20, no dependencies.
//   BASE_URL=http://127.0.0.1:8787 API_KEY=sk_test_… node send-sms.mjs
// Optional: CALLBACK_URL sends this message's webhook events there instead of the key's webhook_url.
const API_URL = `${process.env.BASE_URL || "http://127.0.0.1:8787"}/api/v1/lisoloo/sms-api`;
const API_KEY = process.env.API_KEY || process.env.LISOLOO_API_KEY;
if (!API_KEY) {
  console.error("Set API_KEY (or LISOLOO_API_KEY) to your sk_test_… key");
  process.exit(2);
}

const payload = {
  to: ["+243998857000"],
  message: "Your OTP is 482194. Valid for 5 minutes.",
  sender_id: "MYAPP",
  ...(process.env.CALLBACK_URL ? { callback_url: process.env.CALLBACK_URL } : {}),
};

const response = await fetch(`${API_URL}/send`, {
  method: "POST",
  headers: {
    "app-key": API_KEY,
    "Content-Type": "application/json",
  },
  body: JSON.stringify(payload),
});

// The body first, error envelope included, then a non-zero exit on a 4xx/5xx.
console.log(JSON.stringify(await response.json(), null, 2));
if (!response.ok) process.exitCode = 1;
