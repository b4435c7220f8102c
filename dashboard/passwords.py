"""Password hashing with argon2id, off the event loop (a hash takes tens of milliseconds of CPU)."""

from __future__ import annotations

import asyncio
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError


class Passwords:
    def __init__(self, hasher: PasswordHasher | None = None) -> None:
        self._hasher = hasher or PasswordHasher()
        self._dummy_hash = ""

    async def hash(self, password: str) -> str:
        return await asyncio.get_running_loop().run_in_executor(None, self._hasher.hash, password)

    async def verify(self, password_hash: str, password: str) -> bool:
        def check() -> bool:
            try:
                return self._hasher.verify(password_hash, password)
            except (VerificationError, InvalidHashError):
                return False

        return await asyncio.get_running_loop().run_in_executor(None, check)

    async def verify_unknown(self, password: str) -> bool:
        """Spend the time a real check takes, so an unknown email answers as slowly as a wrong password."""
        if not self._dummy_hash:
            self._dummy_hash = await self.hash(secrets.token_urlsafe(16))
        await self.verify(self._dummy_hash, password)
        return False
