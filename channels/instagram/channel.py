"""Instagram messaging (`object: instagram`) through a linked Facebook page: same envelope as Messenger.

Instagram caps a text at 1000 UTF-8 bytes (not characters), so long replies are split by bytes.
"""

from __future__ import annotations

from typing import Any

from channels.events import ChannelEvent
from channels.meta_page.events import parse_page_payload
from channels.meta_page.sending import mark_seen_request, page_send_requests
from channels.outbound import SendRequest, utf8_size
from knowledge.platforms import Platform

MAX_TEXT_BYTES = 1000


class InstagramAdapter:
    platform: str = Platform.instagram
    object_name = "instagram"
    channel = "instagram"

    def parse(self, payload: dict[str, Any]) -> list[ChannelEvent]:
        return parse_page_payload(payload, Platform.instagram)

    def build_send_requests(
        self,
        account_id: str,
        recipient_id: str,
        text: str,
        *,
        reply_to_message_id: str = "",
        tag: str = "",
        reference: str = "",
    ) -> list[SendRequest]:
        return page_send_requests(recipient_id, text, limit=MAX_TEXT_BYTES, size=utf8_size, tag=tag, reference=reference)

    def build_mark_read_request(self, account_id: str, recipient_id: str, message_id: str) -> SendRequest:
        return mark_seen_request(recipient_id)
