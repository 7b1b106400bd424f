#!/usr/bin/env bash
# The current status of a send (docs: Guides → Check message status).
#   BASE_URL=http://127.0.0.1:8787 API_KEY=sk_test_… bash check-status.sh <message_id>
set -euo pipefail

BASE_URL=${BASE_URL:-http://127.0.0.1:8787}
API_KEY=${API_KEY:-${LISOLOO_API_KEY:?Set API_KEY (or LISOLOO_API_KEY) to your sk_test_… key}}
MESSAGE_ID=${1:-${MESSAGE_ID:?usage: check-status.sh <message_id> (or set MESSAGE_ID)}}

curl -sS --fail-with-body -w '\n' "$BASE_URL/api/v1/lisoloo/sms-api/status/$MESSAGE_ID" \
  -H "app-key: $API_KEY"
