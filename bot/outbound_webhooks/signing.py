"""Standard Webhooks signatures (https://www.standardwebhooks.com): what a receiver checks to trust a delivery.

The secret is `whsec_` and 32 random bytes in base64; the key is those bytes. The signature is
`v1,` + base64(HMAC-SHA256(key, "{webhook-id}.{webhook-timestamp}.{body}")), over the exact text sent, made by the
specification's own reference library (`standardwebhooks`), the one many receivers verify with.
"""

from __future__ import annotations

import base64
import secrets
from datetime import UTC, datetime

from standardwebhooks.webhooks import Webhook

SECRET_PREFIX = "whsec_"
SECRET_BYTES = 32


def new_secret() -> str:
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode("ascii")


def signing_key(secret: str) -> bytes:
    return base64.b64decode(secret.removeprefix(SECRET_PREFIX))


def signature(secret: str, webhook_id: str, timestamp: int, body: str) -> str:
    # The library reads the time as UTC whatever zone it carries: it is given a UTC one.
    return Webhook(secret).sign(webhook_id, datetime.fromtimestamp(timestamp, UTC), body)


def signed_headers(secret: str, webhook_id: str, timestamp: int, body: str) -> dict[str, str]:
    return {
        "content-type": "application/json",
        "webhook-id": webhook_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": signature(secret, webhook_id, timestamp, body),
    }
