"""The per-conversation lock: two workers never answer one conversation at once.

The lock lives briefly (`ttl_s`) and is renewed while its holder works, so a worker that dies
releases its conversations within seconds instead of after the longest turn one could take. Its value names the
holding worker (`lock_holder`), so the worker that takes over a dead one's deliveries frees its locks at once
(`release_locks_of`) rather than waiting out their time to live.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections.abc import AsyncIterator
from contextvars import ContextVar

import redis.asyncio as aioredis
from redis.exceptions import LockError

log = logging.getLogger(__name__)

LOCK_PREFIX = "lock:conversation:"
# The worker whose handling takes a lock (set by the worker for each delivery; "" elsewhere).
lock_holder: ContextVar[str] = ContextVar("lock_holder", default="")
# Deletes each key whose value still begins with the dead holder's name: a lock that expired and was taken by a
# live worker in between is left alone.
_RELEASE_IF_HELD_BY = """
local freed = 0
for _, key in ipairs(KEYS) do
  local value = redis.call('get', key)
  if value and string.sub(value, 1, string.len(ARGV[1])) == ARGV[1] then
    redis.call('del', key)
    freed = freed + 1
  end
end
return freed
"""


class ConversationBusy(RuntimeError):
    """The conversation's lock was not free in time; the delivery is retried later."""


@contextlib.asynccontextmanager
async def conversation_lock(
    redis: aioredis.Redis, conversation_id: str, *, ttl_s: float = 10.0, wait_s: float = 60.0
) -> AsyncIterator[None]:
    lock = redis.lock(f"{LOCK_PREFIX}{conversation_id}", timeout=ttl_s, blocking_timeout=wait_s)
    if not await lock.acquire(token=_token(lock_holder.get())):
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


def _token(holder: str) -> str:
    return f"{holder}|{uuid.uuid4().hex}" if holder else uuid.uuid4().hex


async def release_locks_of(redis: aioredis.Redis, holder: str) -> int:
    """Free the conversation locks a dead worker held; how many were freed."""
    freed, batch = 0, []
    async for key in redis.scan_iter(match=LOCK_PREFIX + "*", count=500):
        batch.append(key)
        if len(batch) >= 500:
            freed += int(await redis.eval(_RELEASE_IF_HELD_BY, len(batch), *batch, f"{holder}|"))
            batch = []
    if batch:
        freed += int(await redis.eval(_RELEASE_IF_HELD_BY, len(batch), *batch, f"{holder}|"))
    return freed
