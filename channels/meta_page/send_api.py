"""The page Send API (`POST /me/messages` with the page's token), as Messenger and Instagram both use it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from channels.outbound import HUMAN_AGENT_TAG, SendRequest, our_metadata, part_reference, split_text


def page_send_body(recipient_id: str, text: str, tag: str, reference: str = "") -> dict[str, Any]:
    """One part of a reply: RESPONSE inside the window, the HUMAN_AGENT tag for a person's late answer."""
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


def page_send_requests(
    recipient_id: str, text: str, *, limit: int, size: Callable[[str], int], tag: str, reference: str
) -> list[SendRequest]:
    """One request per part of `text`, cut at `limit` as `size` measures it (page threads have no reply-to)."""
    return [
        SendRequest(
            path="/me/messages",
            body=page_send_body(recipient_id, part, tag, part_reference(reference, index)),
            auth="access_token",
        )
        for index, part in enumerate(split_text(text, limit, size))
    ]


def mark_seen_request(recipient_id: str) -> SendRequest:
    """A sender action, which Meta wants as a request of its own."""
    return SendRequest(
        path="/me/messages", body={"recipient": {"id": recipient_id}, "sender_action": "mark_seen"}, auth="access_token"
    )
