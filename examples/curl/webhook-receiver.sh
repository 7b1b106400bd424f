#!/usr/bin/env bash
# A webhook receiver (docs: Webhooks → Webhook configuration, Event types) in bash: socat accepts the
# connections, this script answers each one, openssl checks the Standard Webhooks signature.
#   PORT=3000 WEBHOOK_USERNAME=… WEBHOOK_PASSWORD=… WEBHOOK_SECRET=whsec_… bash webhook-receiver.sh
# It refuses a wrong or missing Basic login (401) and a bad or stale signature (400), answers 204 to
# every verified event, ignores an event_id it has already seen, and prints one line per new event:
#   verified sms.delivered 6b0ec18c17574faf94a6a2c4 +243998857000
set -euo pipefail

# Comparing two strings with `=` stops at the first difference, so its time says how much of a guess
# was right. Comparing digests of both sides instead leaks nothing about the expected value.
same() {
  [ "$(printf %s "$1" | openssl dgst -sha256 -r)" = "$(printf %s "$2" | openssl dgst -sha256 -r)" ]
}

answer() { # status [reason]
  printf 'HTTP/1.1 %s\r\nConnection: close\r\n' "$1"
  [ "${1%% *}" = 401 ] && printf 'WWW-Authenticate: Basic realm="lisoloo-webhooks"\r\n'
  if [ -n "${2:-}" ]; then
    printf 'Content-Type: text/plain\r\nContent-Length: %d\r\n\r\n%s\n' "$((${#2} + 1))" "$2"
  else
    printf '\r\n'
  fi
  exit 0
}

# The value of a top-level or nested string field; the fields read here are plain strings, so a
# pattern is enough (a real receiver hands the verified body to its JSON parser).
field() { # name, file
  sed -nE "s/.*\"$1\"[[:space:]]*:[[:space:]]*\"([^\"]*)\".*/\1/p" "$2" | head -n 1
}

# One connection: socat runs this with the socket on stdin and stdout. What is printed for the person
# watching goes to stderr, which socat leaves on the terminal.
handle() {
  local line name value method length=0 authorization="" id="" timestamp="" signatures=""
  IFS= read -r line || exit 0
  method=${line%% *}
  while IFS= read -r line; do
    line=${line%$'\r'}
    [ -z "$line" ] && break
    name=$(printf %s "${line%%:*}" | tr '[:upper:]' '[:lower:]')
    value=${line#*:}
    value=${value# }
    case $name in
      content-length) length=$value ;;
      authorization) authorization=$value ;;
      webhook-id) id=$value ;;
      webhook-timestamp) timestamp=$value ;;
      webhook-signature) signatures=$value ;;
    esac
  done
  [[ $length =~ ^[0-9]+$ ]] || answer "400 Bad Request" "bad content-length"
  body=$(mktemp)
  trap 'rm -f "$body"' EXIT
  head -c "$length" >"$body"
  [ "$method" = POST ] || answer "405 Method Not Allowed" "POST only"

  # 1. HTTP Basic, as configured on the API key.
  same "$authorization" "Basic $EXPECTED_BASIC" || answer "401 Unauthorized" "unauthorized"

  # 2. Standard Webhooks: base64 HMAC-SHA256 of "id.timestamp.body" under the secret's key bytes;
  #    the header may carry several "v1,<signature>" entries (during a secret rotation), any may match.
  [[ $timestamp =~ ^[0-9]+$ ]] || answer "400 Bad Request" "missing webhook-timestamp"
  local now
  now=$(date +%s)
  ((timestamp > now - 300 && timestamp < now + 300)) || answer "400 Bad Request" "timestamp too old or too new"
  local expected verified=""
  expected=$({
    printf '%s.%s.' "$id" "$timestamp"
    cat "$body"
  } | openssl dgst -sha256 -mac HMAC -macopt "hexkey:$SECRET_HEX" -binary | base64 | tr -d '\n')
  for entry in $signatures; do
    [ "${entry%%,*}" = v1 ] && same "${entry#*,}" "$expected" && verified=yes
  done
  [ -n "$verified" ] || answer "400 Bad Request" "invalid signature"

  # 3. At-least-once delivery: the same event_id may come again; handle it once. mkdir is atomic, so
  #    two concurrent deliveries of one event cannot both pass (a real receiver uses its database).
  local event_id event_type message_id phone
  event_id=$(field event_id "$body")
  [[ $event_id =~ ^[A-Za-z0-9_-]+$ ]] || answer "400 Bad Request" "missing event_id"
  if ! mkdir "$EVENTS_DIR/$event_id" 2>/dev/null; then
    echo "duplicate $event_id" >&2
    answer "204 No Content"
  fi
  event_type=$(field event_type "$body")
  message_id=$(field message_id "$body")
  phone=$(field recipient_phone "$body")
  echo "verified $event_type $message_id${phone:+ $phone}" >&2
  answer "204 No Content"
}

if [ "${1:-}" = --handle ]; then
  handle
fi

PORT=${PORT:-3000}
: "${WEBHOOK_USERNAME:?Set WEBHOOK_USERNAME and WEBHOOK_PASSWORD to the Basic login set on the key}"
: "${WEBHOOK_PASSWORD:?Set WEBHOOK_USERNAME and WEBHOOK_PASSWORD to the Basic login set on the key}"
: "${WEBHOOK_SECRET:?Set WEBHOOK_SECRET to the whsec_ signing secret of the key}"
# Worked out once here, inherited by every connection's handler.
EXPECTED_BASIC=$(printf '%s:%s' "$WEBHOOK_USERNAME" "$WEBHOOK_PASSWORD" | base64 | tr -d '\n')
SECRET_HEX=$(printf %s "${WEBHOOK_SECRET#whsec_}" | base64 -d | od -An -v -tx1 | tr -d ' \n')
EVENTS_DIR=${WEBHOOK_EVENTS_DIR:-${TMPDIR:-/tmp}/lisoloo-webhook-events}
mkdir -p "$EVENTS_DIR"
RECEIVER_SCRIPT=$0
export EXPECTED_BASIC SECRET_HEX EVENTS_DIR RECEIVER_SCRIPT

echo "listening on http://127.0.0.1:$PORT" >&2
# Local development only: the gateway accepts http:// callbacks to 127.0.0.1 when the deployment allows
# it (`pnpm start` does); a real endpoint is https:// on a public name.
exec socat "TCP-LISTEN:$PORT,bind=127.0.0.1,reuseaddr,fork" SYSTEM:'exec bash "$RECEIVER_SCRIPT" --handle'
