"""The OAuth `state` of Facebook Login: random, single use, 10 minutes, bound to the credential that asked.

A state names the tenant and the caller that started the login: the browser session (its cookie) or the API
token. The callback connects pages only when it comes with that same live credential, so a dialog URL sent to
someone else (whose browser returns with their code and the sender's state) connects nothing.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from dataclasses import dataclass

import redis.asyncio as aioredis

STATE_TTL_S = 10 * 60
MAX_STATE_LENGTH = 128


@dataclass(frozen=True)
class LoginState:
    tenant_id: str
    owner_id: str
    caller: str  # "session:<sha256 of the session id>" or "token:<sha256 of the token>"


def session_caller(session_id: str) -> str:
    return "session:" + hashlib.sha256(session_id.encode()).hexdigest()


def token_caller(token_hash: str) -> str:
    return "token:" + token_hash


def _key(state: str) -> str:
    # Only a hash is a Redis key: a copy of Redis holds no state that a callback would accept.
    return "fb_oauth_state:" + hashlib.sha256(state.encode()).hexdigest()


async def issue_state(redis: aioredis.Redis, tenant_id: str, owner_id: str, caller: str) -> str:
    state = secrets.token_urlsafe(32)
    record = {"tenant_id": tenant_id, "owner_id": owner_id, "caller": caller}
    await redis.set(_key(state), json.dumps(record), ex=STATE_TTL_S)
    return state


async def consume_state(redis: aioredis.Redis, state: str) -> LoginState | None:
    """What the state was issued for, or None; the state is gone afterwards either way."""
    if not state or len(state) > MAX_STATE_LENGTH:
        return None
    raw = await redis.getdel(_key(state))
    if not raw:
        return None
    try:
        record = json.loads(raw)
        return LoginState(tenant_id=record["tenant_id"], owner_id=record["owner_id"], caller=record["caller"])
    except (ValueError, KeyError, TypeError):  # a state written by an older release: start again
        return None
