"""Customer names: from Graph's user profile for Messenger and Instagram (WhatsApp sends them with each message),
cached in Redis.

A name is a nicety: any failure to fetch one leaves the conversation nameless and never holds up the reply
(one quick attempt, no retries).
"""

from __future__ import annotations

import logging
import re

import aiohttp
import redis.asyncio as aioredis

from channels.accounts import ChannelAccount, account_token
from channels.channel import CustomerProfile
from channels.crypto import TokenCipher
from channels.graph import GraphClient, GraphError
from channels.registry import channel_for_platform

log = logging.getLogger(__name__)

CACHE_SECONDS = 7 * 24 * 3600
# Page-scoped (PSID) and Instagram-scoped (IGSID) ids are digits: anything else must never become a Graph path.
_CUSTOMER_ID = re.compile(r"[0-9]{1,32}")


def customer_profile(platform: str) -> CustomerProfile | None:
    """How the account's channel reads a customer's name from Graph (None: it does not)."""
    try:
        return channel_for_platform(platform).customer_profile
    except KeyError:
        return None


class CustomerNames:
    """Looks up a customer's display name once a week at most."""

    def __init__(self, redis: aioredis.Redis, http: aiohttp.ClientSession, graph_base: str, cipher: TokenCipher) -> None:
        self._redis = redis
        self._cipher = cipher
        self._graph = GraphClient(http, graph_base, timeout_s=3, max_attempts=1)

    async def lookup(self, account: ChannelAccount, customer_id: str) -> str:
        profile_of = customer_profile(account.platform)
        if profile_of is None or not _CUSTOMER_ID.fullmatch(customer_id):
            return ""
        key = f"profile:{account.platform}:{account.account_id}:{customer_id}"
        cached = await self._redis.get(key)
        if cached is not None:
            return str(cached)
        try:
            token = account_token(self._cipher, account)
            profile = await self._graph.get(f"/{customer_id}", params={"fields": profile_of.fields}, token=token)
        except (GraphError, OSError, TimeoutError) as exc:
            log.info("customer profile not available", extra={"platform": account.platform, "error": type(exc).__name__})
            return ""
        name = profile_of.name_of(profile)[:200]
        await self._redis.set(key, name, ex=CACHE_SECONDS)
        return name
