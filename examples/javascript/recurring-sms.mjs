// A weekly reminder at 09:00 for six months (docs: Guides → Recurring SMS). Node ≥ 20, no dependencies.
//   BASE_URL=http://127.0.0.1:8787 API_KEY=sk_test_… node recurring-sms.mjs
const API_URL = `${process.env.BASE_URL || "http://127.0.0.1:8787"}/api/v1/lisoloo/sms-api`;
const API_KEY = process.env.API_KEY || process.env.LISOLOO_API_KEY;
if (!API_KEY) {
  console.error("Set API_KEY (or LISOLOO_API_KEY) to your sk_test_… key");
  process.exit(2);
}

// The docs run from 2026-06-01 to 2026-12-31, mostly past by now, and a schedule with nothing left in
// the future is refused (1103). This starts tomorrow (UTC date; times are in the merchant's time zone)
// and ends six months later, as the docs' example does.
const DAY_MS = 24 * 3600 * 1000;
const startDate = new Date(Date.now() + DAY_MS).toISOString().slice(0, 10);
const endDate = new Date(Date.now() + 183 * DAY_MS).toISOString().slice(0, 10);

const response = await fetch(`${API_URL}/send`, {
  method: "POST",
  headers: {
    "app-key": API_KEY,
    "Content-Type": "application/json",
  },
  body: JSON.stringify({
    to: ["+243998857000"],
    message: "Reminder: your weekly check-in.",
    sender_id: "WELLNESS",
    sending_type: "recurring",
    recurring_schedule: {
      start_date: startDate,
      end_date: endDate,
      frequency: "weekly",
      interval: 1,
      times: ["09:00"],
    },
  }),
});

console.log(JSON.stringify(await response.json(), null, 2));
if (!response.ok) process.exitCode = 1;
