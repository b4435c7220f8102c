"""WhatsApp Cloud API deliveries (`object: whatsapp_business_account`) parsed into channel events.

Deliveries nest `entry[].changes[].value`; the business side is `value.metadata.phone_number_id` (a WABA can
hold several numbers, each possibly another tenant's). Timestamps are strings of Unix seconds.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, get_args

from channels.channel import ChangeParser
from channels.events import (
    ITEM_ERRORS,
    Attachment,
    ChannelEvent,
    CustomerMoved,
    Echo,
    InboundMessage,
    MessageDeleted,
    Reaction,
    Referral,
    StatusUpdate,
    Unsupported,
    unparseable,
)
from channels.parsing import as_dict, as_float, as_str, dicts, timestamp_ms
from knowledge.platforms import Platform

_MEDIA_TYPES = {"image": "image", "video": "video", "audio": "audio", "voice": "audio", "document": "file", "sticker": "sticker"}
_STATUSES = frozenset(get_args(StatusUpdate.model_fields["status"].annotation))
# "played" is a voice message heard: for a text-only sender it means as much as "read".
_STATUS_ALIASES = {"played": "read"}


def parse_whatsapp_payload(payload: dict[str, Any], change_fields: Mapping[str, ChangeParser]) -> list[ChannelEvent]:
    """Every change of every entry, by the channel's parser of the change's field."""
    events: list[ChannelEvent] = []
    for entry in dicts(payload.get("entry")):
        entry_id = as_str(entry.get("id"))
        for change in dicts(entry.get("changes")):
            field = as_str(change.get("field"))
            value = as_dict(change.get("value"))
            parser = change_fields.get(field)
            events.extend(parser(value, entry_id) if parser is not None else [_unread(field, value, entry_id)])
    return events


def _account(value: dict[str, Any]) -> str:
    return as_str(as_dict(value.get("metadata")).get("phone_number_id"))


def _unread(field: str, value: dict[str, Any], entry_id: str) -> Unsupported:
    """A change that is nothing for a conversation (account, template, call and preference updates), for the log."""
    return Unsupported(
        platform=Platform.whatsapp, account_id=_account(value) or entry_id, customer_id="", reason=f"field {field or 'unknown'}"
    )


def parse_messages(value: dict[str, Any], entry_id: str) -> list[ChannelEvent]:
    """The `messages` field: customers' messages and the statuses of ours."""
    account = _account(value)
    if not account:
        return [_unread("messages", value, entry_id)]
    names = _contact_names(value)
    contacts = _Contacts.of(value)
    base = {"platform": Platform.whatsapp, "account_id": account}
    events: list[ChannelEvent] = []
    for message in dicts(value.get("messages")):
        events.append(_guarded(_parse_message, message, base, names, contacts))
    for status in dicts(value.get("statuses")):
        events.append(_guarded(_parse_status, status, base))
    if not events:
        for error in dicts(value.get("errors")):
            events.append(Unsupported(**base, customer_id="", reason=_error_reason(error)))
    return events


def parse_message_echoes(value: dict[str, Any], entry_id: str) -> list[ChannelEvent]:
    """The `smb_message_echoes` field: what the business sent from the WhatsApp Business app on the same number."""
    account = _account(value)
    if not account:
        return [_unread("smb_message_echoes", value, entry_id)]
    base = {"platform": Platform.whatsapp, "account_id": account}
    return [_guarded(_parse_echo, echo, base) for echo in dicts(value.get("message_echoes"))]


def _guarded(parse: Callable[..., ChannelEvent], item: dict[str, Any], base: dict[str, Any], *more: Any) -> ChannelEvent:
    """One item parsed; an item that cannot be read becomes an `unparseable` stand-in, never the delivery's end."""
    try:
        return parse(item, base, *more)
    except ITEM_ERRORS as exc:
        return unparseable(Platform.whatsapp, base["account_id"], exc)


def _contact_names(value: dict[str, Any]) -> dict[str, str]:
    """Profile names by wa_id and by business-scoped user id."""
    names: dict[str, str] = {}
    for contact in dicts(value.get("contacts")):
        name = as_str(as_dict(contact.get("profile")).get("name"))
        for key in (as_str(contact.get("wa_id")), as_str(contact.get("user_id"))):
            if key and name:
                names[key] = name
    return names


@dataclass(frozen=True)
class _Contacts:
    """Who the delivery's `contacts[]` say wrote: each phone's business-scoped user id (BSUID), and the one
    user id when a single contact is named (a customer who hides their number may come with no `from`)."""

    user_ids: dict[str, str]
    only_user_id: str

    @classmethod
    def of(cls, value: dict[str, Any]) -> _Contacts:
        user_ids: dict[str, str] = {}
        named = []
        for contact in dicts(value.get("contacts")):
            user_id = as_str(contact.get("user_id"))
            if user_id:
                named.append(user_id)
                if wa_id := as_str(contact.get("wa_id")):
                    user_ids[wa_id] = user_id
        return cls(user_ids, named[0] if len(named) == 1 else "")


def _error_reason(error: dict[str, Any]) -> str:
    title = as_str(error.get("title")) or as_str(error.get("message"))
    return f"error {as_str(error.get('code')) or '?'}: {title}".strip()


def _parse_message(
    message: dict[str, Any], account_base: dict[str, Any], names: dict[str, str], contacts: _Contacts
) -> ChannelEvent:
    phone = as_str(message.get("from"))
    # The business-scoped user id: on the message, else the contact's (by phone, or the only one named).
    user_id = as_str(message.get("from_user_id")) or contacts.user_ids.get(phone, "") or ("" if phone else contacts.only_user_id)
    customer = phone or user_id
    mid = as_str(message.get("id"))
    kind = as_str(message.get("type"))
    base = {**account_base, "customer_id": customer, "timestamp_ms": timestamp_ms(message.get("timestamp"))}
    if not customer:
        return Unsupported(**base, message_id=mid, reason="message without a sender")
    if kind == "system" and as_str(as_dict(message.get("system")).get("type")) == "user_changed_number":
        moved_to = as_str(as_dict(message.get("system")).get("wa_id"))
        if moved_to and moved_to != customer:
            return CustomerMoved(**base, message_id=mid, new_customer_id=moved_to)
    if "group_id" in message:
        return Unsupported(**base, message_id=mid, reason="group message")
    if kind in ("revoke", "deleted"):
        original = as_str(as_dict(message.get("revoke")).get("original_message_id")) or mid
        return MessageDeleted(**base, message_id=original)
    if kind == "reaction":
        reaction = as_dict(message.get("reaction"))
        target = as_str(reaction.get("message_id"))
        emoji = as_str(reaction.get("emoji"))
        if not target:
            return Unsupported(**base, message_id=mid, reason="reaction without a message id")
        return Reaction(**base, message_id=target, emoji=emoji, action="react" if emoji else "unreact")
    if not mid:
        return Unsupported(**base, reason="message without an id")
    errors = dicts(message.get("errors"))
    content = _content(kind, message)
    if content is None:
        return Unsupported(**base, message_id=mid, reason=_unsupported_reason(kind, message, errors))
    context = as_dict(message.get("context"))
    return InboundMessage(
        **base,
        message_id=mid,
        customer_name=names.get(customer, "") or names.get(user_id, ""),
        customer_user_id=user_id,
        reply_to_message_id=as_str(context.get("id")),
        referral=_referral(as_dict(message.get("referral"))) if "referral" in message else None,
        **content,
    )


def _unsupported_reason(kind: str, message: dict[str, Any], errors: list[dict[str, Any]]) -> str:
    if errors:
        return _error_reason(errors[0])
    if kind in ("interactive", "system"):
        detail = as_str(as_dict(message.get(kind)).get("type")) or "unknown"
        return f"{kind} {detail}"
    return f"type {kind or 'unknown'}"


def _content(kind: str, message: dict[str, Any]) -> dict[str, Any] | None:
    """The text, payload, interaction and attachments of a message type we understand, else None."""
    if kind == "text":
        text = as_str(as_dict(message.get("text")).get("body"))
        return {"text": text} if text else None
    if kind == "button":  # a template's quick-reply button
        button = as_dict(message.get("button"))
        return {"text": as_str(button.get("text")), "payload": as_str(button.get("payload")), "interaction": "button"}
    if kind == "interactive":
        return _interactive(as_dict(message.get("interactive")))
    if kind in _MEDIA_TYPES:
        media = as_dict(message.get(kind))
        attachment = Attachment(
            type=_MEDIA_TYPES[kind],
            media_id=as_str(media.get("id")),
            mime_type=as_str(media.get("mime_type")),
            caption=as_str(media.get("caption")),
            title=as_str(media.get("filename")),
            url=as_str(media.get("url")),
        )
        return {"attachments": [attachment], "interaction": "attachment"}
    if kind == "location":
        location = as_dict(message.get("location"))
        attachment = Attachment(
            type="location",
            latitude=as_float(location.get("latitude")),
            longitude=as_float(location.get("longitude")),
            title=as_str(location.get("name")) or as_str(location.get("address")),
            url=as_str(location.get("url")),
        )
        return {"attachments": [attachment], "interaction": "attachment"}
    if kind == "contacts":
        shared = [as_str(as_dict(contact.get("name")).get("formatted_name")) for contact in dicts(message.get("contacts"))]
        return {
            "attachments": [Attachment(type="contact", title=", ".join(name for name in shared if name))],
            "interaction": "attachment",
        }
    if kind == "order":
        order = as_dict(message.get("order"))
        items = [
            f"{as_str(item.get('quantity')) or '1'} x {as_str(item.get('product_retailer_id'))}"
            for item in dicts(order.get("product_items"))
        ]
        return {
            "text": as_str(order.get("text")),
            "interaction": "attachment",
            "attachments": [Attachment(type="order", title=", ".join(items))],
        }
    return None


def _interactive(interactive: dict[str, Any]) -> dict[str, Any] | None:
    kind = as_str(interactive.get("type"))
    if kind == "button_reply":
        reply = as_dict(interactive.get("button_reply"))
        return {"text": as_str(reply.get("title")), "payload": as_str(reply.get("id")), "interaction": "button"}
    if kind == "list_reply":
        reply = as_dict(interactive.get("list_reply"))
        return {"text": as_str(reply.get("title")), "payload": as_str(reply.get("id")), "interaction": "list"}
    if kind == "nfm_reply":  # a completed WhatsApp Flow (form): its answers are a JSON string
        reply = as_dict(interactive.get("nfm_reply"))
        answers = as_str(reply.get("response_json"))
        try:
            json.loads(answers)
        except ValueError:
            answers = ""
        return {"text": as_str(reply.get("body")), "payload": answers, "interaction": "form"}
    return None


def _parse_status(status: dict[str, Any], account_base: dict[str, Any]) -> ChannelEvent:
    name = as_str(status.get("status")).lower()
    name = _STATUS_ALIASES.get(name, name)
    base = {
        **account_base,
        "customer_id": as_str(status.get("recipient_id")) or as_str(status.get("recipient_user_id")),
        "timestamp_ms": timestamp_ms(status.get("timestamp")),
    }
    mid = as_str(status.get("id"))
    if not mid or name not in _STATUSES or as_str(status.get("type")) == "call":
        return Unsupported(**base, message_id=mid, reason=f"status {name or 'unknown'}")
    errors = dicts(status.get("errors"))
    first = errors[0] if errors else {}
    title = as_str(first.get("title")) or as_str(first.get("message"))
    return StatusUpdate(
        **base,
        message_id=mid,
        status=name,
        error_code=_int_code(first.get("code")),
        error_title=title,
        callback_data=as_str(status.get("biz_opaque_callback_data")),
    )


def _int_code(value: Any) -> int:
    text = as_str(value)
    return int(text) if text.isdigit() else 0


def _parse_echo(echo: dict[str, Any], account_base: dict[str, Any]) -> ChannelEvent:
    """A message the business sent from the WhatsApp Business app on the same number."""
    customer = as_str(echo.get("to")) or as_str(echo.get("to_user_id"))
    mid = as_str(echo.get("id"))
    kind = as_str(echo.get("type"))
    base = {**account_base, "customer_id": customer, "timestamp_ms": timestamp_ms(echo.get("timestamp"))}
    if not customer or not mid or kind in ("revoke", "edit"):
        return Unsupported(**base, message_id=mid, reason=f"echo {kind or 'unknown'}")
    text = as_str(as_dict(echo.get("text")).get("body"))
    if not text and kind in _MEDIA_TYPES:
        text = as_str(as_dict(echo.get(kind)).get("caption"))
    return Echo(**base, message_id=mid, text=text)


def _referral(raw: dict[str, Any]) -> Referral:
    """A click-to-WhatsApp ad or post that opened the chat."""
    source_type, clid, source_id = as_str(raw.get("source_type")), as_str(raw.get("ctwa_clid")), as_str(raw.get("source_id"))
    # `source_type` is "ad" or "post"; a click id comes only from an ad.
    from_ad = source_type == "ad" or (source_type != "post" and bool(clid))
    return Referral(
        source="ctwa" if clid else source_type,
        ref=clid,
        ad_id=source_id,
        campaign_hint=as_str(raw.get("headline")),
        url=as_str(raw.get("source_url")),
        from_ad=from_ad,
        headline=as_str(raw.get("headline")),
        post_id="" if from_ad else source_id,
        ctwa_clid=clid,
    )
