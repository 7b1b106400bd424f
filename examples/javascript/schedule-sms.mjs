// Schedule an SMS for one future moment (docs: Guides → Schedule an SMS). Node ≥ 20, no dependencies.
//   BASE_URL=http://127.0.0.1:8787 API_KEY=sk_test_… node schedule-sms.mjs
const API_URL = `${process.env.BASE_URL || "http://127.0.0.1:8787"}/api/v1/lisoloo/sms-api`;
const API_KEY = process.env.API_KEY || process.env.LISOLOO_API_KEY;
if (!API_KEY) {
  console.error("Set API_KEY (or LISOLOO_API_KEY) to your sk_test_… key");
  process.exit(2);
}

// The docs schedule 2026-06-01 08:00, which has passed, and a past moment is refused (1103). This
// asks for tomorrow at 08:00 instead: the date is tomorrow in UTC, the time is read in the merchant's
// time zone (Africa/Kinshasa for the local sandbox), so it is always in the future.
const tomorrow = new Date(Date.now() + 24 * 3600 * 1000).toISOString().slice(0, 10);

const response = await fetch(`${API_URL}/send`, {
  method: "POST",
  headers: {
    "app-key": API_KEY,
    "Content-Type": "application/json",
  },
  body: JSON.stringify({
    to: ["+243998857000"],
    message: "Your appointment is tomorrow at 09:00.",
    sender_id: "CLINIC",
    sending_type: "scheduled",
    scheduled_dates: [{ date: tomorrow, time: "08:00" }],
  }),
});

console.log(JSON.stringify(await response.json(), null, 2));
if (!response.ok) process.exitCode = 1;
