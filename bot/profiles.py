"""Customer names: from Graph for Messenger and Instagram, from WhatsApp's contacts; cached in Redis.

A name is a nicety: any failure to fetch one leaves the conversation nameless and never holds up
the reply (one quick attempt, no retries).
"""

from __future__ import annotations

import logging

from bot.platform import Platform
from channels.accounts import ChannelAccount, account_token
from channels.graph import GraphClient, GraphError

log = logging.getLogger(__name__)

CACHE_SECONDS = 7 * 24 * 3600
# Fields each platform's user profile API offers a page-scoped or Instagram-scoped id.
PROFILE_FIELDS = {"facebook": "first_name,last_name,name", "instagram": "name,username"}


def profile_name(platform: str, profile: dict) -> str:
    if platform == "instagram":
        return str(profile.get("name") or profile.get("username") or "")
    full = profile.get("name") or " ".join(p for p in (profile.get("first_name"), profile.get("last_name")) if p)
    return str(full or "")


async def customer_name(platform: Platform, account: ChannelAccount, customer_id: str) -> str:
    fields = PROFILE_FIELDS.get(account.platform)
    if not fields:
        return ""
    key = f"profile:{account.platform}:{account.account_id}:{customer_id}"
    cached = await platform.redis.get(key)
    if cached is not None:
        return cached
    quick = GraphClient(platform.http, platform.settings.graph_base, timeout_s=3, max_attempts=1)
    try:
        profile = await quick.get(f"/{customer_id}", params={"fields": fields}, token=account_token(platform.cipher, account))
    except (GraphError, OSError, TimeoutError) as exc:
        log.info("customer profile not available", extra={"platform": account.platform, "error": type(exc).__name__})
        return ""
    name = profile_name(account.platform, profile)[:200]
    await platform.redis.set(key, name, ex=CACHE_SECONDS)
    return name
