"""Readies a business for `.ci/check-api`: waits for the platform, signs up through the API, connects a page and
lets a customer write to it, so the conversation operations have a real conversation to work on.

Prints `<api token> <conversation id>`. Usage: python .ci/api_check_seed.py BASE_URL APP_SECRET
"""

from __future__ import annotations

import hashlib
import hmac
import json
import sys
import time
import urllib.error
import urllib.request
from typing import Any

PAGE_ID = "100200300400500"


def call(method: str, url: str, body: dict[str, Any] | None = None, headers: dict[str, str] | None = None) -> Any:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(
        url, data=data, method=method, headers={"Content-Type": "application/json", **(headers or {})}
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.load(response)


def wait_until_ready(base: str, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{base}/readyz", timeout=5) as response:
                if response.status == 200:
                    return
        except (OSError, urllib.error.URLError):
            pass
        time.sleep(0.3)
    sys.exit(f"the platform did not become ready in {seconds:.0f} s")


def customer_writes(base: str, app_secret: str) -> None:
    now = int(time.time() * 1000)
    event = {
        "object": "page",
        "entry": [
            {
                "id": PAGE_ID,
                "time": now,
                "messaging": [
                    {
                        "sender": {"id": "API_CHECK_CUSTOMER"},
                        "recipient": {"id": PAGE_ID},
                        "timestamp": now,
                        "message": {"mid": f"m_api_check_{now}", "text": "Hi, how much is it?"},
                    }
                ],
            }
        ],
    }
    raw = json.dumps(event).encode()
    signature = "sha256=" + hmac.new(app_secret.encode(), raw, hashlib.sha256).hexdigest()
    request = urllib.request.Request(
        f"{base}/webhooks/messenger",
        data=raw,
        method="POST",
        headers={"Content-Type": "application/json", "X-Hub-Signature-256": signature},
    )
    with urllib.request.urlopen(request, timeout=30):
        pass


def main(base: str, app_secret: str) -> None:
    wait_until_ready(base)
    signup = call(
        "POST",
        f"{base}/api/signup",
        {"email": "api-check@example.com", "password": "Orchid-kettle-9413-api", "business_name": "API check"},
    )
    auth = {"Authorization": f"Bearer {signup['api_token']}"}
    call(
        "POST",
        f"{base}/api/channels",
        {"platform": "facebook", "account_id": PAGE_ID, "access_token": "EAAapi-check-page-token", "name": "API check"},
        auth,
    )
    customer_writes(base, app_secret)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        conversations = call("GET", f"{base}/api/conversations", headers=auth)["conversations"]
        if conversations:
            print(signup["api_token"], conversations[0]["id"])
            return
        time.sleep(0.3)
    sys.exit("the customer's message did not become a conversation in 60 s")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
