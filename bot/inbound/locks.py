"""The per-conversation lock: two workers never answer one conversation at once.

The lock lives briefly (`ttl_s`) and is renewed while its holder works, so a worker that dies
releases its conversations within seconds instead of after the longest turn one could take.

A holder whose process stood still longer than `ttl_s` (a starved machine) may wake to find the lock taken by
another worker, which has answered meanwhile. Renewing cannot tell it in time, so the send asks first
(`HeldLock.still_held`, one round trip): a turn whose lock passed to someone else sends nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass

import redis.asyncio as aioredis
from redis.asyncio.lock import Lock
from redis.exceptions import LockError

log = logging.getLogger(__name__)


class ConversationBusy(RuntimeError):
    """The conversation's lock was not free in time; the delivery is retried later."""


@dataclass(frozen=True)
class HeldLock:
    """A conversation's lock as its holder sees it."""

    lock: Lock

    async def still_held(self) -> bool:
        """Whether this holder's token is still the lock's: false once it expired and another took it."""
        return bool(await self.lock.owned())


@contextlib.asynccontextmanager
async def conversation_lock(
    redis: aioredis.Redis, conversation_id: str, *, ttl_s: float = 10.0, wait_s: float = 60.0
) -> AsyncIterator[HeldLock]:
    lock = redis.lock(f"lock:conversation:{conversation_id}", timeout=ttl_s, blocking_timeout=wait_s)
    if not await lock.acquire():
        raise ConversationBusy(f"conversation {conversation_id} is busy")

    async def renew() -> None:
        while True:
            await asyncio.sleep(ttl_s / 3)
            try:
                await lock.reacquire()
            except LockError:
                log.warning("conversation lock lost while held", extra={"conversation_id": conversation_id})
                return

    renewer = asyncio.create_task(renew())
    try:
        yield HeldLock(lock)
    finally:
        renewer.cancel()
        with contextlib.suppress(LockError):
            await lock.release()
