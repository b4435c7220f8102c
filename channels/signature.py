"""Meta's webhook signature: `X-Hub-Signature-256: sha256=<hex>` over the raw body, keyed with the app secret.

The body is hashed exactly as received. Meta signs its own serialisation (non-ASCII `\\u`-escaped), so
parsing and re-serialising the JSON would change the bytes (escapes, key order, spaces) and break the check.
"""

from __future__ import annotations

import hashlib
import hmac

PREFIX = "sha256="
_HEX_DIGITS = frozenset("0123456789abcdefABCDEF")
_DIGEST_HEX_LENGTH = hashlib.sha256().digest_size * 2


def sign(raw_body: bytes, app_secret: str) -> str:
    """The header value Meta would send for this body."""
    digest = hmac.new(app_secret.encode("utf-8"), raw_body, hashlib.sha256).hexdigest()
    return PREFIX + digest


def verify_signature(raw_body: bytes, header: str | None, app_secret: str) -> bool:
    """True only for a well-formed `sha256=<64 hex>` header that matches; compared in constant time."""
    if not app_secret or not header:
        return False
    header = header.strip()
    if not header.startswith(PREFIX):
        return False
    received = header[len(PREFIX) :]
    if len(received) != _DIGEST_HEX_LENGTH or not _HEX_DIGITS.issuperset(received):
        return False
    expected = sign(raw_body, app_secret)[len(PREFIX) :]
    # Meta sends lowercase hex; accept either case without leaking timing.
    return hmac.compare_digest(expected, received.lower())
