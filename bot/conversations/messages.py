"""A conversation's messages, one document each, always scoped by tenant: the customer's (stored once, whatever
Meta redelivers) and ours (a turn's reply under an id derived from the turn, so a stored reply tells a retry that
the turn was answered), with their delivery as Meta reports it."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

from pymongo import ASCENDING, DESCENDING, ReplaceOne, UpdateMany
from pymongo.errors import DuplicateKeyError

from bot.conversations.records import (
    DELIVERY_RANK,
    Conversation,
    Delivery,
    InboundState,
    Message,
    message_from_doc,
    to_ms,
)
from bot.conversations.store import advance_time, utcnow
from channels.events import InboundMessage, StandaloneReferral
from knowledge.db import Db

_message = message_from_doc


def inbound_message_id(platform: str, account_id: str, platform_message_id: str) -> str:
    """The stored id of an inbound message: the same for every redelivery of it."""
    digest = hashlib.sha256(f"{platform}\0{account_id}\0{platform_message_id}".encode()).hexdigest()[:32]
    return f"in_{digest}"


# A platform time this far from ours is not a time: the message is dated by our clock instead.
_PLAUSIBLE = 366 * 24 * 3600 * 1000


def message_time(event: InboundMessage | StandaloneReferral, now: datetime) -> datetime:
    """When the customer wrote (or clicked): the platform's timestamp, or `now` when it gave none or one that cannot be right."""
    if event.timestamp_ms and abs(event.timestamp_ms - to_ms(now)) <= _PLAUSIBLE:
        return datetime.fromtimestamp(event.timestamp_ms / 1000, UTC)
    return now


async def record_inbound(
    db: Db,
    tenant_id: str,
    conversation: Conversation,
    event: InboundMessage,
    text: str,
    *,
    now: datetime,
    wordless: str = "",
    media: dict[str, Any] | None = None,
) -> tuple[Message, bool]:
    """Store a customer's message once. Returns it and whether it is new (False on a redelivery). `wordless` and
    `media`: see `Message`."""
    at = message_time(event, now)
    doc: dict[str, Any] = {
        "_id": inbound_message_id(event.platform, event.account_id, event.message_id),
        "tenant_id": tenant_id,
        "conversation_id": conversation.id,
        "direction": "in",
        "sender": "customer",
        "text": text,
        "at": at,
        "platform_message_id": event.message_id,
        "interaction": event.interaction,
        "state": InboundState.pending.value,
    }
    if event.payload:
        doc["payload"] = event.payload
    if event.attachments:
        doc["attachments"] = [a.model_dump(exclude_defaults=True) for a in event.attachments]
    if wordless:
        doc["wordless"] = wordless
    if media:
        doc["media"] = media
    try:
        await db.messages.insert_one(doc)
    except DuplicateKeyError:
        existing = await db.messages.find_one({"_id": doc["_id"], "tenant_id": tenant_id})
        return _message(existing or doc), False
    # One write moves both times: a customer message newer than the last one is the conversation's newest too.
    # Times only move forward, so a conversation read (or created) with this time already needs no write.
    ms = to_ms(at)
    if to_ms(conversation.last_customer_at) < ms:
        await db.conversations.update_one(
            {"_id": conversation.id, "tenant_id": tenant_id, "last_customer_at_ms": {"$lt": ms}},
            {"$set": {"last_customer_at_ms": ms, "last_message_at_ms": ms}},
        )
    return _message(doc), True


async def pending_inbound(db: Db, tenant_id: str, conversation_id: str) -> list[Message]:
    cursor = db.messages.find(
        {"tenant_id": tenant_id, "conversation_id": conversation_id, "state": InboundState.pending.value}
    ).sort("at", ASCENDING)
    return [_message(doc) async for doc in cursor]


@dataclass(frozen=True)
class InboundMark:
    """A state given to some customer messages (with the turn's reading of them)."""

    message_ids: list[str]
    state: str
    intent: str = ""
    confidence: float = 0.0


def _filter_and_change(tenant_id: str, mark: InboundMark) -> tuple[dict[str, Any], dict[str, Any]]:
    fields: dict[str, Any] = {"state": mark.state}
    if mark.intent:
        fields.update(intent=mark.intent, confidence=round(mark.confidence, 3))
    return {"_id": {"$in": mark.message_ids}, "tenant_id": tenant_id}, {"$set": fields}


def _marking(tenant_id: str, mark: InboundMark) -> UpdateMany:
    return UpdateMany(*_filter_and_change(tenant_id, mark))


async def mark_inbound(
    db: Db, tenant_id: str, message_ids: list[str], state: str, *, intent: str = "", confidence: float = 0.0
) -> None:
    await apply_marks(db, tenant_id, [InboundMark(message_ids, state, intent, confidence)])


async def apply_marks(db: Db, tenant_id: str, marks: Sequence[InboundMark]) -> None:
    """The marks in order (a later one wins on a message both name), in one command."""
    if len(marks) == 1:
        await db.messages.update_many(*_filter_and_change(tenant_id, marks[0]))  # no bulk write's bookkeeping
    elif marks:
        await db.messages.bulk_write([_marking(tenant_id, mark) for mark in marks], ordered=True)


async def record_outbound_once(
    db: Db,
    tenant_id: str,
    conversation_id: str,
    *,
    sender: Literal["bot", "human"],
    text: str,
    source: str,
    delivery: str,
    platform_message_id: str = "",
    turn_id: str = "",
    error_code: int = 0,
    error_title: str = "",
    problem: str = "",
    status_after: str = "",
    message_id: str = "",
    advance: bool = True,
    replace: bool = False,
    marks: Sequence[InboundMark] = (),
    now: datetime | None = None,
) -> tuple[Message, bool]:
    """Store a message sent to the customer; True when it was not stored before. With `advance` it also becomes the conversation's newest; the
    engine passes False and moves the time in the turn's one closing write (`close_turn`). A message with
    this id stored already is kept, or with `replace` written over. `marks` (with `replace`): the states of the
    customer messages it answers, written in the same command, after it."""
    now = now or utcnow()
    doc: dict[str, Any] = {
        "_id": message_id or uuid.uuid4().hex,
        "tenant_id": tenant_id,
        "conversation_id": conversation_id,
        "direction": "out",
        "sender": sender,
        "text": text,
        "at": now,
        "source": source,
        "delivery": delivery,
    }
    for key, value in (
        ("platform_message_id", platform_message_id),
        ("turn_id", turn_id),
        ("error_code", error_code),
        ("error_title", error_title),
        ("problem", problem),
        ("status_after", status_after),
    ):
        if value:
            doc[key] = value
    if replace:
        record = {"_id": doc["_id"], "tenant_id": tenant_id}
        if marks:
            writes: list[ReplaceOne[Any] | UpdateMany] = [ReplaceOne(record, doc, upsert=True)]
            await db.messages.bulk_write(writes + [_marking(tenant_id, mark) for mark in marks], ordered=True)
        else:
            await db.messages.replace_one(record, doc, upsert=True)
    else:
        if marks:
            raise ValueError("marks are written with a replacing record only")
        try:
            await db.messages.insert_one(doc)
        except DuplicateKeyError:
            existing = await db.messages.find_one({"_id": doc["_id"], "tenant_id": tenant_id})
            return _message(existing or doc), False
    if advance:
        await advance_time(db, tenant_id, conversation_id, now, "last_message_at")
    return _message(doc), True


async def record_outbound(db: Db, tenant_id: str, conversation_id: str, **fields: Any) -> Message:
    """Store a message sent to the customer (see `record_outbound_once`)."""
    message, _ = await record_outbound_once(db, tenant_id, conversation_id, **fields)
    return message


async def hold_unconfirmed_reply(
    db: Db,
    tenant_id: str,
    conversation_id: str,
    *,
    message_id: str,
    text: str,
    source: str,
    turn_id: str,
    parts_total: int,
    confirmed: int,
    status_after: str,
    now: datetime,
) -> Message:
    """A turn's reply whose part `confirmed` was sent without an answer: stored as `unknown`, awaiting Meta's echo or
    status since `now`. Parts an echo already confirmed stay confirmed."""
    fields: dict[str, Any] = {
        "delivery": Delivery.unknown.value,
        "text": text,
        "source": source,
        "turn_id": turn_id,
        "parts_total": parts_total,
        "awaiting_part": confirmed,
        "awaiting_since_ms": to_ms(now),
    }
    if status_after:
        fields["status_after"] = status_after
    doc: dict[str, Any] = {
        "_id": message_id,
        "tenant_id": tenant_id,
        "conversation_id": conversation_id,
        "direction": "out",
        "sender": "bot",
        "at": now,
        "parts_confirmed": confirmed,
        "unanswered_sends": 1,
        **fields,
    }
    try:
        await db.messages.insert_one(doc)
        return _message(doc)
    except DuplicateKeyError:
        pass  # an earlier send of it, or an echo, stored it first: keep what was confirmed, count this send
    await db.messages.update_one(
        {"_id": message_id, "tenant_id": tenant_id},
        {"$set": fields, "$max": {"parts_confirmed": confirmed}, "$inc": {"unanswered_sends": 1}},
    )
    stored = await db.messages.find_one({"_id": message_id, "tenant_id": tenant_id})
    return _message(stored or doc)


async def confirm_reply_part(db: Db, tenant_id: str, message_id: str, part: int, platform_message_id: str) -> bool:
    """Meta reported part `part` of a turn's reply as sent (so every earlier part went too)."""
    update: dict[str, Any] = {"$max": {"parts_confirmed": part + 1}}
    if part == 0 and platform_message_id:
        update["$set"] = {"platform_message_id": platform_message_id}
    result = await db.messages.update_one({"_id": message_id, "tenant_id": tenant_id}, update)
    return result.matched_count == 1


async def purge_messages_before(db: Db, cutoff: datetime) -> int:
    """Delete every message (any tenant's) written before `cutoff`; the count deleted. Conversations, leads and
    the day's counters stay: the numbers an owner reads do not depend on the texts."""
    result = await db.messages.delete_many({"at": {"$lt": cutoff}})
    return int(result.deleted_count)


async def get_message(db: Db, tenant_id: str, message_id: str) -> Message | None:
    doc = await db.messages.find_one({"_id": message_id, "tenant_id": tenant_id})
    return _message(doc) if doc else None


async def recent_messages(db: Db, tenant_id: str, conversation_id: str, *, limit: int = 20) -> list[Message]:
    cursor = db.messages.find({"tenant_id": tenant_id, "conversation_id": conversation_id}).sort("at", DESCENDING).limit(limit)
    messages = [_message(doc) async for doc in cursor]
    messages.reverse()
    return messages


async def all_messages(db: Db, tenant_id: str, conversation_id: str, *, limit: int = 500) -> list[Message]:
    cursor = db.messages.find({"tenant_id": tenant_id, "conversation_id": conversation_id}).sort("at", ASCENDING).limit(limit)
    return [_message(doc) async for doc in cursor]


def _rank(delivery: str) -> int:
    """How far a sent message got (-1 for a state with no rank: failed, or unknown)."""
    try:
        return DELIVERY_RANK.get(Delivery(delivery), -1)
    except ValueError:
        return -1


async def update_delivery(
    db: Db, tenant_id: str, platform_message_id: str, status: str, *, error_code: int = 0, error_title: str = ""
) -> Message | None:
    """Apply a receipt or status; never downgrade (read stays read when `delivered` comes late)."""
    doc = await db.messages.find_one({"tenant_id": tenant_id, "platform_message_id": platform_message_id, "direction": "out"})
    if doc is None:
        return None
    current = doc.get("delivery", "")
    if status != "failed" and _rank(current) >= _rank(status):
        return _message(doc)
    fields: dict[str, Any] = {"delivery": status}
    if error_code:
        fields["error_code"] = error_code
    if error_title:
        fields["error_title"] = error_title
    await db.messages.update_one({"_id": doc["_id"], "tenant_id": tenant_id}, {"$set": fields})
    doc.update(fields)
    return _message(doc)


async def mark_read_up_to(db: Db, tenant_id: str, conversation_id: str, watermark: datetime, status: str) -> None:
    """Messenger receipts carry a watermark: every earlier outbound message was delivered or read."""
    ranks = [name.value for name, rank in DELIVERY_RANK.items() if rank < DELIVERY_RANK[Delivery(status)]]
    await db.messages.update_many(
        {
            "tenant_id": tenant_id,
            "conversation_id": conversation_id,
            "direction": "out",
            "at": {"$lte": watermark},
            "delivery": {"$in": ranks},
        },
        {"$set": {"delivery": status}},
    )
