#!/usr/bin/env bash
# A weekly reminder at 09:00 for six months (docs: Guides → Recurring SMS).
#   BASE_URL=http://127.0.0.1:8787 API_KEY=sk_test_… bash recurring-sms.sh
set -euo pipefail

BASE_URL=${BASE_URL:-http://127.0.0.1:8787}
API_KEY=${API_KEY:-${LISOLOO_API_KEY:?Set API_KEY (or LISOLOO_API_KEY) to your sk_test_… key}}

# The docs run from 2026-06-01 to 2026-12-31, mostly past by now, and a schedule with nothing left in
# the future is refused (1103). This starts tomorrow (UTC date; times are in the merchant's time zone)
# and ends six months later, as the docs' example does.
start_date=$(date -u -d tomorrow +%F 2>/dev/null || date -u -v+1d +%F) # GNU date, else BSD/macOS
end_date=$(date -u -d '+183 days' +%F 2>/dev/null || date -u -v+183d +%F)

curl -sS --fail-with-body -w '\n' "$BASE_URL/api/v1/lisoloo/sms-api/send" \
  -X POST \
  -H "app-key: $API_KEY" \
  -H "Content-Type: application/json" \
  -d "{
    \"to\": [\"+243998857000\"],
    \"message\": \"Reminder: your weekly check-in.\",
    \"sender_id\": \"WELLNESS\",
    \"sending_type\": \"recurring\",
    \"recurring_schedule\": {
      \"start_date\": \"$start_date\",
      \"end_date\": \"$end_date\",
      \"frequency\": \"weekly\",
      \"interval\": 1,
      \"times\": [\"09:00\"]
    }
  }"
