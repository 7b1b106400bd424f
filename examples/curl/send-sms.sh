#!/usr/bin/env bash
# Send an instant SMS (docs: Guides → Send an instant SMS).
#   BASE_URL=http://127.0.0.1:8787 API_KEY=sk_test_… bash send-sms.sh
# Optional: CALLBACK_URL sends this message's webhook events there instead of the key's webhook_url.
set -euo pipefail

BASE_URL=${BASE_URL:-http://127.0.0.1:8787}
API_KEY=${API_KEY:-${LISOLOO_API_KEY:?Set API_KEY (or LISOLOO_API_KEY) to your sk_test_… key}}

callback=""
if [ -n "${CALLBACK_URL:-}" ]; then
  callback=",
    \"callback_url\": \"$CALLBACK_URL\""
fi

# --fail-with-body: print the error envelope too, and exit non-zero on a 4xx/5xx.
curl -sS --fail-with-body -w '\n' "$BASE_URL/api/v1/lisoloo/sms-api/send" \
  -X POST \
  -H "app-key: $API_KEY" \
  -H "Content-Type: application/json" \
  -d "{
    \"to\": [\"+243998857000\"],
    \"message\": \"Your OTP is 482194. Valid for 5 minutes.\",
    \"sender_id\": \"MYAPP\"$callback
  }"
