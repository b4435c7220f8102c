"""Ending access at once, everywhere: a person's sessions and API tokens.

A session is one Redis key, and every request and every open live stream (before each event it writes, and on a
heartbeat twice a second) checks it: deleting the key ends the session in every web process sharing the Redis,
streams included. Each occasion calls one of these: logout, a password change, a revoked token, an account
deletion, and a person taken off a business.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import redis.asyncio as aioredis

from dashboard.owners import list_tokens, revoke_other_tokens, revoke_token
from dashboard.sessions import SessionStore
from knowledge.db import Db


@dataclass(frozen=True)
class EndedAccess:
    sessions: int
    tokens: int


async def end_access(
    db: Db,
    redis: aioredis.Redis,
    tenant_id: str,
    owner_id: str,
    *,
    keep_session_id: str = "",
    keep_token_hash: str = "",
) -> EndedAccess:
    """End every session and revoke every API token of this person but the ones kept (a password change keeps the
    credential that made it); sessions first, so their streams close before anything slower runs."""
    sessions = await SessionStore(redis).end_owner_sessions(owner_id, keep_session_id=keep_session_id)
    tokens = await revoke_other_tokens(db, tenant_id, owner_id, keep_token_hash)
    return EndedAccess(sessions=sessions, tokens=tokens)


async def end_business_access(db: Db, redis: aioredis.Redis, tenant_id: str) -> EndedAccess:
    """End the access of everyone who logs in to this business (a deleted account)."""
    sessions = tokens = 0
    # Read here rather than through `owners.py`: this is the one question about a business's people it needs.
    async for doc in db.owners.find({"tenant_id": tenant_id}, {"_id": 1}):
        ended = await end_access(db, redis, tenant_id, str(doc["_id"]))
        sessions, tokens = sessions + ended.sessions, tokens + ended.tokens
    return EndedAccess(sessions=sessions, tokens=tokens)


async def end_token(db: Db, redis: aioredis.Redis, tenant_id: str, owner_id: str, token_hash: str) -> None:
    """Revoke one API token and end the session its login opened, if any."""
    await SessionStore(redis).end_paired_sessions(owner_id, token_hash)
    await revoke_token(db, tenant_id, token_hash)


async def end_listed_token(db: Db, redis: aioredis.Redis, tenant_id: str, owner_id: str, token_id: str, *, now: datetime) -> bool:
    """`end_token` for the owner's token listed under `token_id`; False when they have none by that id."""
    for token in await list_tokens(db, tenant_id, owner_id, now=now):
        if token.id == token_id:
            await end_token(db, redis, tenant_id, owner_id, token.token_hash)
            return True
    return False
