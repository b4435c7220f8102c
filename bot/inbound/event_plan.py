"""Decisions about channel events, from plain data: what text a message stands for, whether a stored message
is answered, whether an echo is ours, what a failed status means for the owner. No I/O here (see `dispatch.py`)."""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum

from bot.conversations.records import InboundState
from bot.sales.attribution import ConversationSource
from channels.events import Attachment, Echo, InboundMessage, Referral
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


# What a customer may send without words that the bot acknowledges (and asks what they would like) rather than
# reads: its stand-in text ("[image]") is for the owner, not an answerable question. Story mentions, shares and
# posts keep their stand-ins, which say what the customer did.
WORDLESS_KINDS = frozenset({"image", "sticker", "video", "file", "location", "contact", "gif"})


def wordless_kind(event: InboundMessage) -> str:
    """What a message without words sent ("" when it has words: text, a caption, a chosen button)."""
    if event.text.strip() or event.payload or not event.attachments:
        return ""
    if any(a.caption.strip() or a.type not in WORDLESS_KINDS for a in event.attachments):
        return ""
    return event.attachments[0].type


def voice_attachment(event: InboundMessage) -> Attachment | None:
    """The recording a message carries (a voice note or an audio file), to be transcribed."""
    return next((a for a in event.attachments if a.type == "audio" and (a.url or a.media_id)), None)


def message_text(event: InboundMessage) -> str:
    text = event.text.strip()
    extra = describe_attachments(event)
    if text and extra:
        return f"{text} {extra}"
    return text or extra


def referral_hint(referral: Referral | None) -> str:
    """What a referral says about the campaign the customer came for (a link's `ref`, an ad's title), "" if nothing.
    Links and plugins carry it too, so it is kept beside the attribution, which only ads get."""
    if referral is None:
        return ""
    if referral.ctwa_clid:  # WhatsApp's `ref` is the click id, which names no campaign
        return referral.campaign_hint
    return referral.ref or referral.campaign_hint


def _cut(text: str, field: str) -> str:
    """Meta's text within what the attribution keeps (an overlong headline is shortened, never refused)."""
    limit = next((m.max_length for m in ConversationSource.model_fields[field].metadata if hasattr(m, "max_length")), None)
    return text[:limit] if limit else text


def ad_source(referral: Referral | None) -> ConversationSource | None:
    """The attribution an ad's referral gives its conversation (None for a link, a plugin or a post)."""
    if referral is None or not referral.from_ad:
        return None
    return ConversationSource(
        kind="ad",
        ad_id=_cut(referral.ad_id, "ad_id"),
        post_id=_cut(referral.post_id, "post_id"),
        ctwa_clid=_cut(referral.ctwa_clid, "ctwa_clid"),
        headline=_cut(" ".join(referral.headline.split()), "headline"),
    )


def is_our_echo(event: Echo, our_app_id: str) -> bool:
    """An echo of a send this platform made (our metadata, or our app), as opposed to a person's answer."""
    return bool(event.metadata.startswith(OUR_METADATA_PREFIX) or (our_app_id and event.app_id == our_app_id))


def failed_send_detail(error_code: int, error_title: str) -> str:
    """What the owner reads on a conversation whose send failed."""
    if error_code in WINDOW_ERROR_CODES:
        return "outside the 24-hour window: the customer must write first, or use an approved template"
    return error_title or "send failed"
