"""The OAuth `state` of Facebook Login: random, bound to the tenant that asked, single use, 10 minutes."""

from __future__ import annotations

import secrets

import redis.asyncio as aioredis

STATE_TTL_S = 10 * 60


def _key(state: str) -> str:
    return f"fb_oauth_state:{state}"


async def issue_state(redis: aioredis.Redis, tenant_id: str) -> str:
    state = secrets.token_urlsafe(24)
    await redis.set(_key(state), tenant_id, ex=STATE_TTL_S)
    return state


async def consume_state(redis: aioredis.Redis, state: str) -> str | None:
    """The tenant the state was issued to, or None; the state is gone afterwards either way."""
    if not state or len(state) > 128:
        return None
    tenant_id = await redis.getdel(_key(state))
    return tenant_id or None
