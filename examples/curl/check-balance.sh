#!/usr/bin/env bash
# Remaining credit, unit price and how many SMS it buys (docs: Guides → Check balance).
#   BASE_URL=http://127.0.0.1:8787 API_KEY=sk_test_… bash check-balance.sh
set -euo pipefail

BASE_URL=${BASE_URL:-http://127.0.0.1:8787}
API_KEY=${API_KEY:-${LISOLOO_API_KEY:?Set API_KEY (or LISOLOO_API_KEY) to your sk_test_… key}}

curl -sS --fail-with-body -w '\n' "$BASE_URL/api/v1/lisoloo/sms-api/balance" \
  -H "app-key: $API_KEY"
