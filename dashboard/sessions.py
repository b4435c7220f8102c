"""Browser sessions in Redis: a random id in an HttpOnly cookie, the data under the hash of that id.

Each owner's sessions are also listed (as those hashes) in a Redis set, so a password change can end the
owner's other sessions, an account deletion all of them, and a revoked login token the session it came with.
Ending a session is deleting its key: every request and every open live stream checks that key (see `live.py`).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from typing import cast

import redis.asyncio as aioredis
from redis.typing import EncodableT, FieldT

SESSION_COOKIE = "sid"
SESSION_TTL_S = 7 * 24 * 3600


@dataclass(frozen=True)
class Session:
    tenant_id: str
    owner_id: str
    csrf_token: str
    # The API token `POST /api/login` answered with this session: logging the session out revokes it too.
    token_hash: str = ""


def _key(session_id: str) -> str:
    # Only the hash is a Redis key, so a copy of Redis holds no usable cookie.
    return "session:" + hashlib.sha256(session_id.encode()).hexdigest()


def _owner_key(owner_id: str) -> str:
    return f"owner_sessions:{owner_id}"


class SessionStore:
    def __init__(self, redis: aioredis.Redis, ttl_s: int = SESSION_TTL_S) -> None:
        self._redis = redis
        self.ttl_s = ttl_s

    async def create(self, tenant_id: str, owner_id: str, *, token_hash: str = "") -> tuple[str, Session]:
        session_id = secrets.token_urlsafe(32)
        session = Session(tenant_id=tenant_id, owner_id=owner_id, csrf_token=secrets.token_urlsafe(32), token_hash=token_hash)
        key = _key(session_id)
        # No stored empty field: a session without an API token has no `token_hash`.
        paired: dict[FieldT, EncodableT] = {"token_hash": token_hash} if token_hash else {}
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.hset(key, mapping={"tenant_id": tenant_id, "owner_id": owner_id, "csrf_token": session.csrf_token, **paired})
            pipe.expire(key, self.ttl_s)
            pipe.sadd(_owner_key(owner_id), key)
            pipe.expire(_owner_key(owner_id), self.ttl_s)
            await pipe.execute()
        return session_id, session

    async def get(self, session_id: str) -> Session | None:
        """The live session for this id, its lifetime renewed; None when unknown or expired."""
        if not session_id:
            return None
        key = _key(session_id)
        data = cast(dict[str, str], await self._redis.hgetall(key))  # the client decodes responses
        if not data or not data.get("tenant_id"):
            return None
        owner_id = data.get("owner_id", "")
        async with self._redis.pipeline(transaction=False) as pipe:
            pipe.expire(key, self.ttl_s)
            pipe.expire(_owner_key(owner_id), self.ttl_s)
            await pipe.execute()
        return Session(
            tenant_id=data["tenant_id"],
            owner_id=owner_id,
            csrf_token=data.get("csrf_token", ""),
            token_hash=data.get("token_hash", ""),
        )

    async def is_live(self, session_id: str) -> bool:
        """Whether the session still exists, its lifetime left as it is: what an open live stream asks before each
        event it writes and on its heartbeat (one EXISTS, so checking twice a second costs nothing)."""
        return bool(session_id) and await self._redis.exists(_key(session_id)) == 1

    async def delete(self, session_id: str) -> None:
        if session_id:
            await self._redis.delete(_key(session_id))

    async def end_owner_sessions(self, owner_id: str, *, keep_session_id: str = "") -> int:
        """End every session of the owner but `keep_session_id`; returns how many were live."""
        owner_key = _owner_key(owner_id)
        keep = _key(keep_session_id) if keep_session_id else ""
        ended = [key for key in await self._redis.smembers(owner_key) if key != keep]
        if not ended:
            return 0
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.delete(*ended)
            pipe.srem(owner_key, *ended)
            deleted, _ = await pipe.execute()
        return int(deleted)

    async def end_paired_sessions(self, owner_id: str, token_hash: str) -> int:
        """End the owner's sessions whose login answered the API token with this hash (the token is being revoked)."""
        if not token_hash:
            return 0
        keys = list(await self._redis.smembers(_owner_key(owner_id)))
        if not keys:
            return 0
        async with self._redis.pipeline(transaction=False) as pipe:
            for key in keys:
                pipe.hget(key, "token_hash")
            paired = [key for key, found in zip(keys, await pipe.execute(), strict=True) if found == token_hash]
        if not paired:
            return 0
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.delete(*paired)
            pipe.srem(_owner_key(owner_id), *paired)
            deleted, _ = await pipe.execute()
        return int(deleted)
