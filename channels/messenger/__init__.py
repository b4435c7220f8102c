"""Facebook Messenger (`object: page`): a Facebook Page's conversations."""

from __future__ import annotations

from channels.channel import AccountCheck
from channels.meta_page.page_channel import PageChannel
from knowledge.platforms import Platform

MAX_TEXT_CHARS = 2000

MESSENGER = PageChannel(
    channel="messenger",
    platform=Platform.facebook,
    object_name="page",
    display_name="Messenger",
    service_name="Facebook",
    max_text=MAX_TEXT_CHARS,
    text_size=len,
    account_check=AccountCheck(fields="id,name", auth="access_token"),
    # Comments on the Page's posts would be read here, under the `feed` field.
    change_fields={},
)
