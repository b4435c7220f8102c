"""Per-account send pacing, shared by every worker through Redis.

Meta throttles each page and number (WhatsApp: 80 messages/s per number by default; Messenger pages
far less in practice). Workers wait for a slot in a one-second window rather than collect errors.
"""

from __future__ import annotations

import asyncio
import time

import redis.asyncio as aioredis

SENDS_PER_SECOND = {"facebook": 20, "instagram": 20, "whatsapp": 60}


class SendPacer:
    def __init__(self, redis: aioredis.Redis, *, max_wait_s: float = 30.0) -> None:
        self._redis = redis
        self._max_wait_s = max_wait_s

    async def wait_for_slot(self, platform: str, account_id: str) -> None:
        limit = SENDS_PER_SECOND.get(platform, 20)
        deadline = time.monotonic() + self._max_wait_s
        while True:
            second = int(time.time())
            key = f"ratelimit:send:{platform}:{account_id}:{second}"
            async with self._redis.pipeline(transaction=True) as pipe:
                pipe.incr(key)
                pipe.expire(key, 5)
                used, _ = await pipe.execute()
            if int(used) <= limit or time.monotonic() >= deadline:
                return
            await asyncio.sleep(max(0.01, second + 1 - time.time()))
