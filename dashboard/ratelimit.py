"""Failed-login counters in Redis, per email and per client address, over a fixed window."""

from __future__ import annotations

import hashlib

import redis.asyncio as aioredis

from dashboard.errors import ApiError


class LoginLimiter:
    def __init__(
        self,
        redis: aioredis.Redis,
        *,
        per_email: int = 5,
        per_address: int = 20,
        window_s: int = 15 * 60,
    ) -> None:
        self._redis = redis
        self._limits = {"email": per_email, "addr": per_address}
        self._window_s = window_s

    @staticmethod
    def _keys(email: str, address: str) -> dict[str, str]:
        # Hashed so that Redis holds no list of the emails people tried.
        digest = hashlib.sha256(email.encode()).hexdigest()[:32]
        return {"email": f"login_fail:email:{digest}", "addr": f"login_fail:addr:{address or 'unknown'}"}

    async def check(self, email: str, address: str) -> None:
        """Raise 429 with Retry-After when either counter has reached its limit."""
        keys = self._keys(email, address)
        for kind, key in keys.items():
            count = await self._redis.get(key)
            if count is not None and int(count) >= self._limits[kind]:
                ttl = await self._redis.ttl(key)
                retry_after = ttl if ttl > 0 else self._window_s
                raise ApiError(
                    429,
                    "too_many_attempts",
                    "too many failed logins; try again later",
                    headers={"Retry-After": str(retry_after)},
                )

    async def record_failure(self, email: str, address: str) -> None:
        for key in self._keys(email, address).values():
            async with self._redis.pipeline(transaction=True) as pipe:
                pipe.incr(key)
                pipe.ttl(key)
                count, ttl = await pipe.execute()
            # The window starts at the first failure; a key left without expiry would lock out forever.
            if count == 1 or ttl < 0:
                await self._redis.expire(key, self._window_s)

    async def forget_email(self, email: str) -> None:
        """A successful login clears that email's failures (the address counter keeps its window)."""
        await self._redis.delete(self._keys(email, "")["email"])
