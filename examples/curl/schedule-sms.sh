#!/usr/bin/env bash
# Schedule an SMS for one future moment (docs: Guides → Schedule an SMS).
#   BASE_URL=http://127.0.0.1:8787 API_KEY=sk_test_… bash schedule-sms.sh
set -euo pipefail

BASE_URL=${BASE_URL:-http://127.0.0.1:8787}
API_KEY=${API_KEY:-${LISOLOO_API_KEY:?Set API_KEY (or LISOLOO_API_KEY) to your sk_test_… key}}

# The docs schedule 2026-06-01 08:00, which has passed, and a past moment is refused (1103). This
# asks for tomorrow at 08:00 instead: the date is tomorrow in UTC, the time is read in the merchant's
# time zone (Africa/Kinshasa for the local sandbox), so it is always in the future.
tomorrow=$(date -u -d tomorrow +%F 2>/dev/null || date -u -v+1d +%F) # GNU date, else BSD/macOS

curl -sS --fail-with-body -w '\n' "$BASE_URL/api/v1/lisoloo/sms-api/send" \
  -X POST \
  -H "app-key: $API_KEY" \
  -H "Content-Type: application/json" \
  -d "{
    \"to\": [\"+243998857000\"],
    \"message\": \"Your appointment is tomorrow at 09:00.\",
    \"sender_id\": \"CLINIC\",
    \"sending_type\": \"scheduled\",
    \"scheduled_dates\": [
      { \"date\": \"$tomorrow\", \"time\": \"08:00\" }
    ]
  }"
