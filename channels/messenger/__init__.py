"""Facebook Messenger (`object: page`): a Facebook Page's conversations."""

from __future__ import annotations

from typing import Any

from channels.channel import AccountCheck, CustomerProfile
from channels.meta_page.comment_events import parse_feed_change
from channels.meta_page.page_channel import PageChannel
from knowledge.platforms import Platform

MAX_TEXT_CHARS = 2000
# What a page sends us: its conversations, and the comments on its posts and ads (`feed`, answered with a private
# reply by the campaigns' comment rules). `feed` needs `pages_manage_metadata` and `pages_read_engagement`.
PAGE_WEBHOOK_FIELDS = (
    "messages",
    "messaging_postbacks",
    "message_echoes",
    "message_deliveries",
    "message_reads",
    "messaging_referrals",
    "feed",
)


def profile_name(profile: dict[str, Any]) -> str:
    full = profile.get("name") or " ".join(p for p in (profile.get("first_name"), profile.get("last_name")) if p)
    return str(full or "")


MESSENGER = PageChannel(
    channel="messenger",
    platform=Platform.facebook,
    object_name="page",
    display_name="Messenger",
    service_name="Facebook",
    max_text=MAX_TEXT_CHARS,
    text_size=len,
    account_check=AccountCheck(fields="id,name", auth="access_token", webhook_fields=PAGE_WEBHOOK_FIELDS),
    customer_profile=CustomerProfile(fields="first_name,last_name,name", name_of=profile_name),
    change_fields={"feed": parse_feed_change},
)
