"""Instagram messaging (`object: instagram`) through a linked Facebook page: same envelope as Messenger.

Instagram caps a text at 1000 UTF-8 bytes (not characters), so long replies are split by bytes.
"""

from __future__ import annotations

from typing import Any

from channels.events import ChannelEvent
from channels.messenger import page_send_body
from channels.outbound import SendRequest, part_reference, split_text, utf8_size
from channels.page_events import parse_page_payload
from knowledge.platforms import Platform

MAX_TEXT_BYTES = 1000


class InstagramAdapter:
    platform = "instagram"
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
        return [
            SendRequest(
                path="/me/messages",
                body=page_send_body(recipient_id, part, tag, part_reference(reference, index)),
                auth="access_token",
            )
            for index, part in enumerate(split_text(text, MAX_TEXT_BYTES, utf8_size))
        ]

    def build_mark_read_request(self, account_id: str, recipient_id: str, message_id: str) -> SendRequest:
        return SendRequest(
            path="/me/messages",
            body={"recipient": {"id": recipient_id}, "sender_action": "mark_seen"},
            auth="access_token",
        )
