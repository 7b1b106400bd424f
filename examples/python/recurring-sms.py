#!/usr/bin/env python3
"""A weekly reminder at 09:00 for six months (docs: Guides → Recurring SMS).

    BASE_URL=http://127.0.0.1:8787 API_KEY=sk_test_… python3 recurring-sms.py
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

# The docs run from 2026-06-01 to 2026-12-31, mostly past by now, and a schedule with nothing left in
# the future is refused (1103). This starts tomorrow (UTC date; times are in the merchant's time zone)
# and ends six months later, as the docs' example does.
today = datetime.now(timezone.utc).date()
start_date = today + timedelta(days=1)
end_date = today + timedelta(days=183)

response = requests.post(
    f"{API_URL}/send",
    headers={"app-key": API_KEY, "Content-Type": "application/json"},
    json={
        "to": ["+243998857000"],
        "message": "Reminder: your weekly check-in.",
        "sender_id": "WELLNESS",
        "sending_type": "recurring",
        "recurring_schedule": {
            "start_date": start_date.isoformat(),
            "end_date": end_date.isoformat(),
            "frequency": "weekly",
            "interval": 1,
            "times": ["09:00"],
        },
    },
    timeout=10,
)
print(json.dumps(response.json(), indent=2))
response.raise_for_status()
