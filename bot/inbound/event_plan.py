"""Decisions about channel events, from plain data: what text a message stands for, whether a stored message
is answered, whether an echo is ours, what a failed status means for the owner. No I/O here (see `dispatch.py`)."""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum

from bot.conversations.records import InboundState
from channels.events import Echo, InboundMessage, Referral
from channels.outbound import OUR_METADATA_PREFIX

# Meta's error codes for a send outside the customer-service window (Messenger, Instagram, WhatsApp).
WINDOW_ERROR_CODES = frozenset({131047, 2018278, 2534022})
# A backlog older than this (replayed after an outage) is stored but not answered: the customer moved on.
STALE_AFTER = timedelta(hours=24)


class InboundAction(StrEnum):
    redelivered = "redelivered"  # stored and handled before: nothing to do
    standby = "standby"  # Messenger's standby channel: another app owns the thread, keep it and stay quiet
    stale = "stale"  # too old to answer
    answer = "answer"


def plan_inbound(*, is_new: bool, state: str, standby: bool, written_at: datetime, now: datetime) -> InboundAction:
    if not is_new and state != InboundState.pending:
        return InboundAction.redelivered
    if standby:
        return InboundAction.standby
    if now - written_at > STALE_AFTER:
        return InboundAction.stale
    return InboundAction.answer


def describe_attachments(event: InboundMessage) -> str:
    """A text stand-in for what the customer sent, so the turn and the owner both see it."""
    parts: list[str] = []
    for attachment in event.attachments:
        if attachment.type == "location" and attachment.latitude is not None and attachment.longitude is not None:
            place = f"{attachment.title} " if attachment.title else ""
            parts.append(f"[location {place}{attachment.latitude:.5f},{attachment.longitude:.5f}]")
        elif attachment.type == "story_mention":
            parts.append("[mentioned us in a story]")
        else:
            caption = f": {attachment.caption}" if attachment.caption else ""
            parts.append(f"[{attachment.type}{caption}]")
    return " ".join(parts)


def message_text(event: InboundMessage) -> str:
    text = event.text.strip()
    extra = describe_attachments(event)
    if text and extra:
        return f"{text} {extra}"
    return text or extra


def referral_fields(referral: Referral) -> dict[str, str | None]:
    """Where a conversation came from (an ad, a link), as conversation fields; None clears an older value."""
    return {
        "referral_source": referral.source or None,
        "referral_ref": referral.ref or referral.campaign_hint or None,
        "referral_ad_id": referral.ad_id or None,
    }


def is_our_echo(event: Echo, our_app_id: str) -> bool:
    """An echo of a send this platform made (our metadata, or our app), as opposed to a person's answer."""
    return bool(event.metadata.startswith(OUR_METADATA_PREFIX) or (our_app_id and event.app_id == our_app_id))


def failed_send_detail(error_code: int, error_title: str) -> str:
    """What the owner reads on a conversation whose send failed."""
    if error_code in WINDOW_ERROR_CODES:
        return "outside the 24-hour window: the customer must write first, or use an approved template"
    return error_title or "send failed"
