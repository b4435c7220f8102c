"""Facebook Messenger (`object: page`): parse deliveries, build Send API requests."""

from __future__ import annotations

from typing import Any

from channels.events import ChannelEvent
from channels.outbound import HUMAN_AGENT_TAG, SendRequest, our_metadata, part_reference, split_text
from channels.page_events import parse_page_payload
from knowledge.platforms import Platform

MAX_TEXT_CHARS = 2000


def page_send_body(recipient_id: str, text: str, tag: str, reference: str = "") -> dict[str, Any]:
    """Send API body shared by Messenger and Instagram (the page-token path)."""
    body: dict[str, Any] = {
        "recipient": {"id": recipient_id},
        "messaging_type": "RESPONSE",
        # The metadata comes back on the echo, which is how our own sends are told from a person's.
        "message": {"text": text, "metadata": our_metadata(reference)},
    }
    if tag:
        if tag != HUMAN_AGENT_TAG:
            raise ValueError(f"unsupported message tag {tag!r}")
        body["messaging_type"] = "MESSAGE_TAG"
        body["tag"] = HUMAN_AGENT_TAG
    return body


class MessengerAdapter:
    platform = "facebook"
    object_name = "page"
    channel = "messenger"

    def parse(self, payload: dict[str, Any]) -> list[ChannelEvent]:
        return parse_page_payload(payload, Platform.facebook)

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
        # Messenger threads have no reply-to for page sends; `reply_to_message_id` is accepted and unused.
        return [
            SendRequest(
                path="/me/messages",
                body=page_send_body(recipient_id, part, tag, part_reference(reference, index)),
                auth="access_token",
            )
            for index, part in enumerate(split_text(text, MAX_TEXT_CHARS))
        ]

    def build_mark_read_request(self, account_id: str, recipient_id: str, message_id: str) -> SendRequest:
        """A sender action, which Meta wants as a request of its own."""
        return SendRequest(
            path="/me/messages",
            body={"recipient": {"id": recipient_id}, "sender_action": "mark_seen"},
            auth="access_token",
        )
