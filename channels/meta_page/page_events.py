"""The `entry[].messaging[]` envelope that Messenger and Instagram share, parsed into channel events.

Every entry and every `messaging`/`standby` item is read; an item that is not understood becomes an
`Unsupported` event (or is skipped when it names nobody), never an exception.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from channels.channel import ChangeParser
from channels.events import (
    ITEM_ERRORS,
    Attachment,
    ChannelEvent,
    Echo,
    InboundMessage,
    MessageDeleted,
    Reaction,
    Receipt,
    Referral,
    StandaloneReferral,
    Unsupported,
    unparseable,
)
from channels.parsing import as_dict, as_float, as_list, as_str, dicts, timestamp_ms
from knowledge.platforms import Platform

Interaction = Literal["text", "quick_reply", "story_reply", "story_mention", "attachment"]

# Attachment types renamed to the normalized vocabulary; others keep Meta's name.
_ATTACHMENT_TYPES = {"ig_reel": "reel", "fallback": "share", "template": "share"}
# Attachments whose URL expires or may not be stored (Instagram story mentions).
_URL_NOT_KEPT = {"story_mention"}


def parse_page_payload(
    payload: dict[str, Any], platform: Platform, change_fields: Mapping[str, ChangeParser]
) -> list[ChannelEvent]:
    """The messaging items of every entry, then its changes: by the channel's parser of the change's field."""
    events: list[ChannelEvent] = []
    for entry in dicts(payload.get("entry")):
        entry_id = as_str(entry.get("id"))
        entry_time = timestamp_ms(entry.get("time"))
        items = [(item, False) for item in dicts(entry.get("messaging"))]
        items += [(item, True) for item in dicts(entry.get("standby"))]
        changes: list[tuple[ChangeParser, dict[str, Any]]] = []
        # Meta's Instagram examples put one change's `field` and `value` on the entry itself, without `changes[]`.
        bare = [entry] if "changes" not in entry and "field" in entry and "value" in entry else []
        for change in dicts(entry.get("changes")) + bare:
            value = as_dict(change.get("value"))
            parser = change_fields.get(as_str(change.get("field")))
            if parser is not None:
                changes.append((parser, value))
            elif "sender" in value and "recipient" in value:
                # Dashboard test deliveries wrap a messaging item in `changes[].value`; other changes are not read.
                items.append((value, False))
        for item, standby in items:
            try:
                events.extend(_parse_item(item, platform, entry_id, entry_time, standby=standby))
            except ITEM_ERRORS as exc:  # one odd item must not cost the delivery's other events
                events.append(unparseable(platform, entry_id, exc))
        for parser, value in changes:
            try:
                parsed = parser(value, entry_id)
                for event in parsed:
                    event.timestamp_ms = event.timestamp_ms or entry_time
                events.extend(parsed)
            except ITEM_ERRORS as exc:
                events.append(unparseable(platform, entry_id, exc))
    return events


def _sides(item: dict[str, Any], entry_id: str, *, from_business: bool) -> tuple[str, str]:
    """(business account id, customer id): the entry names the account; the customer is the other side."""
    sender = as_str(as_dict(item.get("sender")).get("id"))
    recipient = as_str(as_dict(item.get("recipient")).get("id"))
    business, customer = (sender, recipient) if from_business else (recipient, sender)
    account = entry_id if entry_id and entry_id != "0" else business
    if customer == account and business != account:
        customer = business  # the envelope is the other way round from what the docs show
    return account, customer


def _parse_item(item: dict[str, Any], platform: Platform, entry_id: str, entry_time: int, *, standby: bool) -> list[ChannelEvent]:
    message = as_dict(item.get("message"))
    is_echo = message.get("is_echo") is True
    account, customer = _sides(item, entry_id, from_business=is_echo)
    if not account or not customer:
        return []
    base: dict[str, Any] = {
        "platform": platform,
        "account_id": account,
        "customer_id": customer,
        "timestamp_ms": timestamp_ms(item.get("timestamp")) or entry_time,
    }
    if message:
        return [_parse_message(message, base, standby=standby)]
    if "postback" in item:
        return [_parse_postback(as_dict(item.get("postback")), base, standby=standby)]
    if "reaction" in item:
        return [_parse_reaction(as_dict(item.get("reaction")), base)]
    if "delivery" in item:
        delivery = as_dict(item.get("delivery"))
        mids = [as_str(mid) for mid in as_list(delivery.get("mids")) if as_str(mid)]
        return [Receipt(**base, receipt="delivery", message_ids=mids, watermark_ms=timestamp_ms(delivery.get("watermark")))]
    if "read" in item:
        read = as_dict(item.get("read"))
        mid = as_str(read.get("mid"))  # Instagram names the message; Messenger gives a watermark
        return [
            Receipt(**base, receipt="read", message_ids=[mid] if mid else [], watermark_ms=timestamp_ms(read.get("watermark")))
        ]
    if "referral" in item:
        return [StandaloneReferral(**base, referral=_referral(as_dict(item.get("referral"))))]
    known = next(
        (
            key
            for key in (
                "optin",
                "message_edit",
                "pass_thread_control",
                "take_thread_control",
                "request_thread_control",
                "app_roles",
                "policy_enforcement",
                "account_linking",
                "game_play",
            )
            if key in item
        ),
        "",
    )
    return [Unsupported(**base, reason=known or "unknown messaging item")]


def _parse_message(message: dict[str, Any], base: dict[str, Any], *, standby: bool) -> ChannelEvent:
    mid = as_str(message.get("mid"))
    text = as_str(message.get("text"))
    if message.get("is_echo") is True:
        if not mid:
            return Unsupported(**base, reason="echo without an id")
        return Echo(
            **base,
            message_id=mid,
            text=text,
            app_id=as_str(message.get("app_id")),
            metadata=as_str(message.get("metadata")),
        )
    if message.get("is_deleted") is True:
        return MessageDeleted(**base, message_id=mid)
    if message.get("is_unsupported") is True:
        return Unsupported(**base, message_id=mid, reason="unsupported message")
    if not mid:
        return Unsupported(**base, reason="message without an id")
    attachments = [_attachment(raw) for raw in dicts(message.get("attachments"))]
    quick_reply_payload = as_str(as_dict(message.get("quick_reply")).get("payload"))
    reply_to = as_dict(message.get("reply_to"))
    story = as_dict(reply_to.get("story"))
    interaction: Interaction = "text"
    if quick_reply_payload:
        interaction = "quick_reply"
    elif story:
        interaction = "story_reply"
    elif any(attachment.type == "story_mention" for attachment in attachments):
        interaction = "story_mention"
    elif attachments and not text:
        interaction = "attachment"
    elif not text:
        return Unsupported(**base, message_id=mid, reason="empty message")
    return InboundMessage(
        **base,
        message_id=mid,
        text=text,
        payload=quick_reply_payload,
        interaction=interaction,
        attachments=attachments,
        story_id=as_str(story.get("id")),
        reply_to_message_id=as_str(reply_to.get("mid")),
        referral=_referral(as_dict(message.get("referral"))) if "referral" in message else None,
        standby=standby,
    )


def _parse_postback(postback: dict[str, Any], base: dict[str, Any], *, standby: bool) -> ChannelEvent:
    payload = as_str(postback.get("payload"))
    title = as_str(postback.get("title"))
    # Postbacks carry `mid` since Graph v11; older ones get an id stable across redeliveries.
    mid = as_str(postback.get("mid")) or f"postback:{base['customer_id']}:{base['timestamp_ms']}:{payload}"
    referral = _referral(as_dict(postback.get("referral"))) if "referral" in postback else None
    return InboundMessage(
        **base, message_id=mid, text=title, payload=payload, interaction="postback", referral=referral, standby=standby
    )


def _parse_reaction(reaction: dict[str, Any], base: dict[str, Any]) -> ChannelEvent:
    mid = as_str(reaction.get("mid"))
    if not mid:
        return Unsupported(**base, reason="reaction without a message id")
    action = "unreact" if as_str(reaction.get("action")) == "unreact" else "react"
    emoji = "" if action == "unreact" else as_str(reaction.get("emoji")) or as_str(reaction.get("reaction"))
    return Reaction(**base, message_id=mid, emoji=emoji, action=action)


def _attachment(raw: dict[str, Any]) -> Attachment:
    kind = as_str(raw.get("type")) or "unknown"
    payload = as_dict(raw.get("payload"))
    if kind == "image" and "sticker_id" in payload:
        kind = "sticker"
    kind = _ATTACHMENT_TYPES.get(kind, kind)
    title = as_str(raw.get("title")) or as_str(payload.get("title"))
    if kind == "location":
        coordinates = as_dict(payload.get("coordinates"))
        return Attachment(
            type=kind, title=title, latitude=as_float(coordinates.get("lat")), longitude=as_float(coordinates.get("long"))
        )
    url = "" if kind in _URL_NOT_KEPT else as_str(payload.get("url")) or as_str(raw.get("url"))
    media_id = payload.get("reel_video_id") or payload.get("attachment_id") or payload.get("sticker_id")
    return Attachment(type=kind, title=title, url=url, media_id=as_str(media_id))


def _referral(raw: dict[str, Any]) -> Referral:
    """Messenger's and Instagram's referral (`messaging_referrals`, `postback.referral`, `message.referral`): an
    ad's click names its ad (`ad_id`, `source: ADS`) and may carry `ads_context_data` with the ad's title."""
    ads = as_dict(raw.get("ads_context_data"))
    ref, source, ad_id = as_str(raw.get("ref")), as_str(raw.get("source")), as_str(raw.get("ad_id"))
    return Referral(
        source=source,
        ref=ref,
        ad_id=ad_id,
        campaign_hint=as_str(ads.get("ad_title")) or ref,
        url=as_str(raw.get("referer_uri")),
        from_ad=bool(ad_id) or source.upper() == "ADS",
        headline=as_str(ads.get("ad_title")),
        post_id=as_str(ads.get("post_id")),
    )
