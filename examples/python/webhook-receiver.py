#!/usr/bin/env python3
"""A webhook receiver (docs: Webhooks → Webhook configuration, Event types), standard library only.

    PORT=3000 WEBHOOK_USERNAME=… WEBHOOK_PASSWORD=… WEBHOOK_SECRET=whsec_… python3 webhook-receiver.py

It refuses a wrong or missing Basic login (401) and a bad or stale signature (400), answers 204 to
every verified event, ignores an event_id it has already seen, and prints one line per new event:
    verified sms.delivered 6b0ec18c17574faf94a6a2c4 +243998857000
"""
import base64
import hashlib
import hmac
import json
import os
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PORT = int(os.environ.get("PORT", "3000"))
USERNAME = os.environ.get("WEBHOOK_USERNAME")
PASSWORD = os.environ.get("WEBHOOK_PASSWORD")
SECRET = os.environ.get("WEBHOOK_SECRET")
if not (USERNAME and PASSWORD and SECRET):
    sys.exit("Set WEBHOOK_USERNAME, WEBHOOK_PASSWORD (the Basic login set on the key) and WEBHOOK_SECRET (its whsec_ secret)")

# The HMAC key is the base64-decoded part after "whsec_".
SECRET_KEY = base64.b64decode(SECRET.removeprefix("whsec_"))
TOLERANCE_SECONDS = 5 * 60

# Delivery is at least once: the same event_id may arrive again. A real receiver records it in its
# database under a unique constraint; a set is enough for an example.
seen_event_ids = set()
seen_lock = threading.Lock()


def basic_auth_ok(header):
    """Decode `Authorization: Basic …`, split on the first ':', compare both parts in constant time."""
    scheme, _, encoded = (header or "").partition(" ")
    if scheme.lower() != "basic":
        return False
    try:
        decoded = base64.b64decode(encoded, validate=True).decode("utf-8")
    except ValueError:
        return False
    username, _, password = decoded.partition(":")
    # Both comparisons always run, so the time taken does not say which part was wrong.
    user_ok = hmac.compare_digest(username.encode(), USERNAME.encode())
    password_ok = hmac.compare_digest(password.encode(), PASSWORD.encode())
    return user_ok and password_ok


def signature_problem(headers, body):
    """None when the Standard Webhooks signature is valid and fresh, else why not."""
    msg_id = headers.get("webhook-id", "")
    timestamp = headers.get("webhook-timestamp", "")
    signatures = headers.get("webhook-signature", "")
    if not timestamp.isdigit():
        return "missing webhook-timestamp"
    if abs(time.time() - int(timestamp)) > TOLERANCE_SECONDS:
        return "timestamp too old or too new"
    signed = f"{msg_id}.{timestamp}.".encode() + body
    expected = base64.b64encode(hmac.new(SECRET_KEY, signed, hashlib.sha256).digest()).decode()
    # Space-separated "v1,<signature>" entries (several during a secret rotation): any may match.
    for entry in signatures.split():
        version, _, signature = entry.partition(",")
        if version == "v1" and hmac.compare_digest(signature.encode(), expected.encode()):
            return None
    return "invalid signature"


class WebhookHandler(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if not basic_auth_ok(self.headers.get("Authorization")):
            return self.answer(401, "unauthorized", {"WWW-Authenticate": 'Basic realm="lisoloo-webhooks"'})
        problem = signature_problem(self.headers, body)
        if problem:
            return self.answer(400, problem)

        # Only now is the body trusted: parse exactly the bytes that were verified.
        event = json.loads(body)
        with seen_lock:
            duplicate = event["event_id"] in seen_event_ids
            seen_event_ids.add(event["event_id"])
        if duplicate:
            print(f"duplicate {event['event_id']}", flush=True)
        else:
            phone = event.get("data", {}).get("recipient_phone")
            line = f"verified {event['event_type']} {event['message_id']}"
            print(f"{line} {phone}" if phone else line, flush=True)
        # Answer at once; slow work belongs in a queue, or the gateway's 10 s timeout triggers retries.
        self.answer(204)

    def answer(self, status, text=None, headers=None):
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        if text is None:
            self.end_headers()
            return
        payload = f"{text}\n".encode()
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format, *args):
        pass  # one line per event, not one per request


# Local development only: the gateway accepts http:// callbacks to 127.0.0.1 when the deployment
# allows it (`pnpm start` does); a real endpoint is https:// on a public name.
server = ThreadingHTTPServer(("127.0.0.1", PORT), WebhookHandler)
print(f"listening on http://127.0.0.1:{PORT}", flush=True)
server.serve_forever()
