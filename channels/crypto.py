"""Access tokens at rest: Fernet (AES-128-CBC + HMAC-SHA256) under a key derived from the platform's secret.

The Fernet key is derived with HKDF-SHA256 and a fixed label, so the same `SECRET_KEY` that signs sessions
never serves directly as an encryption key, and the label keeps this key apart from any other derivation.
"""

from __future__ import annotations

import base64
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

KEY_INFO = b"salesbot/channels/access-token-encryption/v1"
TOKENS_KEPT = 1024


class TokenDecryptError(ValueError):
    """The ciphertext was not made with this secret key (or was altered)."""


def mask(token: str) -> str:
    """What an owner may see of a token: its first and last four characters, e.g. `EAAB…x9Zq`."""
    if len(token) < 12:
        return "…" if token else ""
    return f"{token[:4]}…{token[-4:]}"


class TokenCipher:
    def __init__(self, secret_key: str) -> None:
        if not secret_key:
            raise ValueError("a secret key is needed to encrypt access tokens")
        derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=KEY_INFO).derive(secret_key.encode("utf-8"))
        self._fernet = Fernet(base64.urlsafe_b64encode(derived))
        # Every send needs its account's token: decrypt each stored token once per process, not once per send.
        # (Tokens are encrypted at rest; a process holds the ones it uses in memory either way.)
        self._decrypt_cached = lru_cache(maxsize=TOKENS_KEPT)(self._decrypt)

    def encrypt(self, token: str) -> str:
        return self._fernet.encrypt(token.encode("utf-8")).decode("ascii")

    def decrypt(self, ciphertext: str) -> str:
        return self._decrypt_cached(ciphertext)

    def _decrypt(self, ciphertext: str) -> str:
        try:
            return self._fernet.decrypt(ciphertext.encode("ascii")).decode("utf-8")
        except (InvalidToken, UnicodeError) as exc:
            raise TokenDecryptError("stored token cannot be decrypted with this secret key") from exc

    @staticmethod
    def mask(token: str) -> str:
        return mask(token)
