#!/usr/bin/env python3
"""Schedule an SMS for one future moment (docs: Guides → Schedule an SMS).

    BASE_URL=http://127.0.0.1:8787 API_KEY=sk_test_… python3 schedule-sms.py
"""
import json
import os
import sys
from datetime import datetime, timedelta, timezone

import requests

API_URL = f"{os.environ.get('BASE_URL', 'http://127.0.0.1:8787')}/api/v1/lisoloo/sms-api"
API_KEY = os.environ.get("API_KEY") or os.environ.get("LISOLOO_API_KEY")
if not API_KEY:
    sys.exit("Set API_KEY (or LISOLOO_API_KEY) to your sk_test_… key")

# The docs schedule 2026-06-01 08:00, which has passed, and a past moment is refused (1103). This
# asks for tomorrow at 08:00 instead: the date is tomorrow in UTC, the time is read in the merchant's
# time zone (Africa/Kinshasa for the local sandbox), so it is always in the future.
tomorrow = (datetime.now(timezone.utc) + timedelta(days=1)).date().isoformat()

response = requests.post(
    f"{API_URL}/send",
    headers={"app-key": API_KEY, "Content-Type": "application/json"},
    json={
        "to": ["+243998857000"],
        "message": "Your appointment is tomorrow at 09:00.",
        "sender_id": "CLINIC",
        "sending_type": "scheduled",
        "scheduled_dates": [
            {"date": tomorrow, "time": "08:00"},
        ],
    },
    timeout=10,
)
print(json.dumps(response.json(), indent=2))
response.raise_for_status()
