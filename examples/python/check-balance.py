#!/usr/bin/env python3
"""Remaining credit, unit price and how many SMS it buys (docs: Guides → Check balance).

    BASE_URL=http://127.0.0.1:8787 API_KEY=sk_test_… python3 check-balance.py
"""
import json
import os
import sys

import requests

API_URL = f"{os.environ.get('BASE_URL', 'http://127.0.0.1:8787')}/api/v1/lisoloo/sms-api"
API_KEY = os.environ.get("API_KEY") or os.environ.get("LISOLOO_API_KEY")
if not API_KEY:
    sys.exit("Set API_KEY (or LISOLOO_API_KEY) to your sk_test_… key")

r = requests.get(
    f"{API_URL}/balance",
    headers={"app-key": API_KEY},
    timeout=10,
)
print(json.dumps(r.json(), indent=2))
r.raise_for_status()
