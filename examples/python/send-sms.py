#!/usr/bin/env python3
"""Send an instant SMS (docs: Guides → Send an instant SMS).

    BASE_URL=http://127.0.0.1:8787 API_KEY=sk_test_… python3 send-sms.py

Optional: CALLBACK_URL sends this message's webhook events there instead of the key's webhook_url.
"""
import json
import os
import sys

import requests

API_URL = f"{os.environ.get('BASE_URL', 'http://127.0.0.1:8787')}/api/v1/lisoloo/sms-api"
API_KEY = os.environ.get("API_KEY") or os.environ.get("LISOLOO_API_KEY")
if not API_KEY:
    sys.exit("Set API_KEY (or LISOLOO_API_KEY) to your sk_test_… key")

payload = {
    "to": ["+243998857000"],
    "message": "Your OTP is 482194. Valid for 5 minutes.",
    "sender_id": "MYAPP",
}
if os.environ.get("CALLBACK_URL"):
    payload["callback_url"] = os.environ["CALLBACK_URL"]

response = requests.post(
    f"{API_URL}/send",
    headers={"app-key": API_KEY, "Content-Type": "application/json"},
    json=payload,
    timeout=10,
)
# The body first, error envelope included, then a non-zero exit on a 4xx/5xx.
print(json.dumps(response.json(), indent=2))
response.raise_for_status()
