"""Browser sessions in Redis: a random id in an HttpOnly cookie, the data under the hash of that id."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

import redis.asyncio as aioredis

SESSION_COOKIE = "sid"
SESSION_TTL_S = 7 * 24 * 3600


@dataclass(frozen=True)
class Session:
    tenant_id: str
    owner_id: str
    csrf_token: str


def _key(session_id: str) -> str:
    # Only the hash is a Redis key, so a copy of Redis holds no usable cookie.
    return "session:" + hashlib.sha256(session_id.encode()).hexdigest()


class SessionStore:
    def __init__(self, redis: aioredis.Redis, ttl_s: int = SESSION_TTL_S) -> None:
        self._redis = redis
        self.ttl_s = ttl_s

    async def create(self, tenant_id: str, owner_id: str) -> tuple[str, Session]:
        session_id = secrets.token_urlsafe(32)
        session = Session(tenant_id=tenant_id, owner_id=owner_id, csrf_token=secrets.token_urlsafe(32))
        key = _key(session_id)
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.hset(key, mapping={"tenant_id": tenant_id, "owner_id": owner_id, "csrf_token": session.csrf_token})
            pipe.expire(key, self.ttl_s)
            await pipe.execute()
        return session_id, session

    async def get(self, session_id: str) -> Session | None:
        """The live session for this id, its lifetime renewed; None when unknown or expired."""
        if not session_id:
            return None
        key = _key(session_id)
        data = await self._redis.hgetall(key)
        if not data or not data.get("tenant_id"):
            return None
        await self._redis.expire(key, self.ttl_s)
        return Session(tenant_id=data["tenant_id"], owner_id=data.get("owner_id", ""), csrf_token=data.get("csrf_token", ""))

    async def delete(self, session_id: str) -> None:
        if session_id:
            await self._redis.delete(_key(session_id))
