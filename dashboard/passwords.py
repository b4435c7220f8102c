"""Password hashing with argon2id, and the password policy, on a small executor of their own.

A hash takes tens of milliseconds of CPU and 64 MiB of memory: on their own two threads, hashes neither wait
behind other work of the process (document parsing, say) nor pile up in memory when sign-ups arrive together.
"""

from __future__ import annotations

import asyncio
import secrets
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from zxcvbn import zxcvbn

T = TypeVar("T")

MIN_PASSWORD_LENGTH = 10
HASH_THREADS = 2
# zxcvbn refuses longer inputs; a password whose first 72 characters are weak is weak.
_CHECKED_LENGTH = 72
# zxcvbn scores 0 to 4; 0 and 1 are passwords found in its common-password list or its dictionaries with few
# changes, repeats and sequences (fewer than a million guesses).
_MIN_SCORE = 2
# zxcvbn keeps the user's own words in a module-level dictionary while it scores: one check at a time.
_zxcvbn_lock = threading.Lock()


def password_problem(password: str, *user_words: str) -> str:
    """Why this password may not be used, as a kind of problem (`password_too_short`, `password_too_common`, said in
    the owner's language by `dashboard/error_table.py`), or "" when it may: at least 10 characters and not common or
    easy to guess (zxcvbn, offline, with the owner's own words such as the email and business name)."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return "password_too_short"
    words = _own_words(user_words)
    with _zxcvbn_lock:
        result: dict[str, Any] = zxcvbn(password[:_CHECKED_LENGTH], user_inputs=words)
    # zxcvbn's own feedback is English only, so the owner is told the reason without it.
    return "" if result["score"] >= _MIN_SCORE else "password_too_common"


def _own_words(user_words: tuple[str, ...]) -> list[str]:
    """The owner's words for zxcvbn: "Acme Shoes" and "ann@acme.com" give acmeshoes, ann, acme, shoes, com (whole
    names first: zxcvbn ranks earlier words as likelier)."""
    parts = [word.lower().replace("@", " ").replace(".", " ").replace("-", " ").replace("_", " ").split() for word in user_words]
    whole = ["".join(split) for split in parts if len(split) > 1]
    return list(dict.fromkeys([*whole, *(part for split in parts for part in split if len(part) > 2)]))


class Passwords:
    def __init__(self, hasher: PasswordHasher | None = None, *, threads: int = HASH_THREADS) -> None:
        self._hasher = hasher or PasswordHasher()
        self._dummy_hash = ""
        self._executor = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="passwords")

    async def _run(self, work: Any, *args: Any) -> Any:
        return await asyncio.get_running_loop().run_in_executor(self._executor, work, *args)

    async def hash(self, password: str) -> str:
        return str(await self._run(self._hasher.hash, password))

    async def verify(self, password_hash: str, password: str) -> bool:
        def check() -> bool:
            try:
                return self._hasher.verify(password_hash, password)
            except (VerificationError, InvalidHashError):
                return False

        return bool(await self._run(check))

    async def verify_unknown(self, password: str) -> bool:
        """Spend the time a real check takes, so an unknown email answers as slowly as a wrong password."""
        if not self._dummy_hash:
            self._dummy_hash = await self.hash(secrets.token_urlsafe(16))
        await self.verify(self._dummy_hash, password)
        return False

    async def problem(self, password: str, *user_words: str) -> str:
        """`password_problem`, off the event loop."""
        return str(await self._run(password_problem, password, *user_words))

    def close(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)
