"""Instagram messaging (`object: instagram`) through a linked Facebook page: same envelope as Messenger.

Instagram caps a text at 1000 UTF-8 bytes (not characters), so long replies are split by bytes.
"""

from __future__ import annotations

from typing import Any

from channels.channel import AccountCheck, CustomerProfile
from channels.meta_page.comment_events import parse_instagram_comment
from channels.meta_page.page_channel import PageChannel
from channels.outbound import utf8_size
from knowledge.platforms import Platform

MAX_TEXT_BYTES = 1000
# Meta's Instagram webhook fields: the account's conversations and the comments on its media and ads (`comments`
# needs `instagram_manage_comments` and Advanced Access).
ACCOUNT_WEBHOOK_FIELDS = ("messages", "messaging_postbacks", "messaging_referral", "messaging_seen", "comments")


def profile_name(profile: dict[str, Any]) -> str:
    return str(profile.get("name") or profile.get("username") or "")


INSTAGRAM = PageChannel(
    channel="instagram",
    platform=Platform.instagram,
    object_name="instagram",
    display_name="Instagram",
    service_name="Instagram",
    max_text=MAX_TEXT_BYTES,
    text_size=utf8_size,
    account_check=AccountCheck(fields="id,name", auth="access_token", webhook_fields=ACCOUNT_WEBHOOK_FIELDS),
    customer_profile=CustomerProfile(fields="name,username", name_of=profile_name),
    change_fields={"comments": parse_instagram_comment},
)
