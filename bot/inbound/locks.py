"""The per-conversation lock: two workers never answer one conversation at once.

The lock lives briefly (`ttl_s`) and is renewed while its holder works, so a worker that dies
releases its conversations within seconds instead of after the longest turn one could take.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

import redis.asyncio as aioredis
from redis.exceptions import LockError

log = logging.getLogger(__name__)


class ConversationBusy(RuntimeError):
    """The conversation's lock was not free in time; the delivery is retried later."""


@contextlib.asynccontextmanager
async def conversation_lock(
    redis: aioredis.Redis, conversation_id: str, *, ttl_s: float = 10.0, wait_s: float = 60.0
) -> AsyncIterator[None]:
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
        yield
    finally:
        renewer.cancel()
        with contextlib.suppress(LockError):
            await lock.release()
