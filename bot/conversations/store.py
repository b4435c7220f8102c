"""Conversations and their messages (each message its own document), always scoped by tenant.

Collections owned here: `conversations` (one per platform, account and customer) and `messages` (one document each;
a turn's reply has an id derived from the turn, so a stored reply tells a retry the turn was answered).
"""

from __future__ import annotations

import hashlib
import uuid
from datetime import UTC, datetime
from typing import Any, Literal

from pymongo import ASCENDING, DESCENDING, IndexModel, ReturnDocument
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from bot.conversations.records import (
    DELIVERY_RANK,
    NEVER,
    TIME_FIELDS,
    Conversation,
    ConversationStatus,
    Delivery,
    InboundState,
    Message,
    conversation_from_doc,
    message_from_doc,
    to_ms,
)
from channels.events import InboundMessage

_conversation = conversation_from_doc
_message = message_from_doc


def utcnow() -> datetime:
    return datetime.now(UTC)


async def ensure_indexes(db: AsyncDatabase) -> None:
    await db.conversations.create_indexes(
        [
            IndexModel([("platform", ASCENDING), ("account_id", ASCENDING), ("customer_id", ASCENDING)], unique=True),
            IndexModel([("tenant_id", ASCENDING), ("last_message_at_ms", DESCENDING)]),
            IndexModel([("tenant_id", ASCENDING), ("status", ASCENDING)]),
        ]
    )
    await db.messages.create_indexes(
        [
            IndexModel([("tenant_id", ASCENDING), ("conversation_id", ASCENDING), ("at", ASCENDING)]),
            IndexModel([("conversation_id", ASCENDING), ("state", ASCENDING)]),
            IndexModel([("tenant_id", ASCENDING), ("platform_message_id", ASCENDING)]),
            IndexModel([("at", ASCENDING)]),  # the retention purge
        ]
    )


async def delete_tenant_data(db: AsyncDatabase, tenant_id: str) -> int:
    """Remove the tenant's conversations and messages (a deleted account); messages first, so nothing is left
    pointing at a conversation that is gone."""
    removed = (await db.messages.delete_many({"tenant_id": tenant_id})).deleted_count
    removed += (await db.conversations.delete_many({"tenant_id": tenant_id})).deleted_count
    return removed


async def _advance(db: AsyncDatabase, tenant_id: str, conversation_id: str, at: datetime, name: str) -> None:
    """Move a time field forward only."""
    ms = to_ms(at)
    await db.conversations.update_one(
        {"_id": conversation_id, "tenant_id": tenant_id, f"{name}_ms": {"$lt": ms}}, {"$set": {f"{name}_ms": ms}}
    )


def inbound_message_id(platform: str, account_id: str, platform_message_id: str) -> str:
    """The stored id of an inbound message: the same for every redelivery of it."""
    digest = hashlib.sha256(f"{platform}\0{account_id}\0{platform_message_id}".encode()).hexdigest()[:32]
    return f"in_{digest}"


async def open_conversation(
    db: AsyncDatabase,
    tenant_id: str,
    platform: str,
    account_id: str,
    customer_id: str,
    customer_name: str = "",
    *,
    now: datetime | None = None,
) -> tuple[Conversation, bool]:
    """The conversation with this customer, created if there is none; and whether it was created now."""
    key = {"platform": platform, "account_id": account_id, "customer_id": customer_id}
    doc = await db.conversations.find_one({**key, "tenant_id": tenant_id})
    if doc is None:
        return await create_conversation(db, tenant_id, platform, account_id, customer_id, customer_name, now=now)
    if customer_name and doc.get("customer_name") != customer_name:
        await db.conversations.update_one({"_id": doc["_id"], "tenant_id": tenant_id}, {"$set": {"customer_name": customer_name}})
        doc["customer_name"] = customer_name
    return _conversation(doc), False


async def create_conversation(
    db: AsyncDatabase,
    tenant_id: str,
    platform: str,
    account_id: str,
    customer_id: str,
    customer_name: str = "",
    *,
    now: datetime | None = None,
    **fields: Any,
) -> tuple[Conversation, bool]:
    """Insert a new conversation with `fields` set (its campaign and first message's time, say, so they cost
    no second write); if another worker created it first, theirs and False."""
    key = {"platform": platform, "account_id": account_id, "customer_id": customer_id}
    now = now or utcnow()
    new: dict[str, Any] = {
        "_id": uuid.uuid4().hex,
        "tenant_id": tenant_id,
        **key,
        "status": ConversationStatus.bot.value,
        "created_at": now,
        "last_message_at_ms": to_ms(now),
        "last_customer_at_ms": to_ms(NEVER),
    }
    if customer_name:
        new["customer_name"] = customer_name
    new.update(_stored(fields))
    try:
        await db.conversations.insert_one(new)
        return _conversation(new), True
    except DuplicateKeyError:
        doc = await db.conversations.find_one({**key, "tenant_id": tenant_id})
        if doc is None:
            raise
        return _conversation(doc), False


async def get_or_create_conversation(
    db: AsyncDatabase,
    tenant_id: str,
    platform: str,
    account_id: str,
    customer_id: str,
    customer_name: str = "",
    *,
    now: datetime | None = None,
) -> Conversation:
    conversation, _ = await open_conversation(db, tenant_id, platform, account_id, customer_id, customer_name, now=now)
    return conversation


async def find_conversation(
    db: AsyncDatabase, tenant_id: str, platform: str, account_id: str, customer_id: str
) -> Conversation | None:
    doc = await db.conversations.find_one(
        {"tenant_id": tenant_id, "platform": platform, "account_id": account_id, "customer_id": customer_id}
    )
    return _conversation(doc) if doc else None


async def get_conversation(db: AsyncDatabase, tenant_id: str, conversation_id: str) -> Conversation | None:
    doc = await db.conversations.find_one({"_id": conversation_id, "tenant_id": tenant_id})
    return _conversation(doc) if doc else None


async def list_conversations(
    db: AsyncDatabase, tenant_id: str, *, status: str = "", platform: str = "", limit: int = 50, skip: int = 0
) -> list[Conversation]:
    query: dict[str, Any] = {"tenant_id": tenant_id}
    if status:
        query["status"] = str(status)
    if platform:
        query["platform"] = platform
    cursor = db.conversations.find(query).sort("last_message_at_ms", DESCENDING).skip(skip).limit(limit)
    return [_conversation(doc) async for doc in cursor]


async def update_conversation(db: AsyncDatabase, tenant_id: str, conversation_id: str, **fields: Any) -> Conversation | None:
    """Set fields; a value of None removes the field (nothing is stored as null)."""
    doc = await db.conversations.find_one_and_update(
        {"_id": conversation_id, "tenant_id": tenant_id}, _update(fields), return_document=ReturnDocument.AFTER
    )
    return _conversation(doc) if doc else None


async def close_turn(
    db: AsyncDatabase, tenant_id: str, conversation_id: str, *, last_message_at: datetime | None = None, **fields: Any
) -> None:
    """A turn's changes to its conversation in one write: fields to set (None removes) and, when the turn
    recorded a reply, its time as the newest message unless a newer one is there already."""
    update = _update(fields)
    if last_message_at is not None:
        update["$max"] = {"last_message_at_ms": to_ms(last_message_at)}
    if update:
        await db.conversations.update_one({"_id": conversation_id, "tenant_id": tenant_id}, update)


def _stored(fields: dict[str, Any]) -> dict[str, Any]:
    """Field values as stored: times as `*_ms` integers, enums as their strings."""
    stored: dict[str, Any] = {}
    for name, value in fields.items():
        if name in TIME_FIELDS:
            stored[f"{name}_ms"] = to_ms(value) if value is not None else None
        else:
            stored[name] = value.value if isinstance(value, (ConversationStatus, InboundState, Delivery)) else value
    return stored


def _update(fields: dict[str, Any]) -> dict[str, Any]:
    """`$set` for values, `$unset` for None: nothing is stored as null."""
    stored = _stored(fields)
    update: dict[str, Any] = {}
    to_set = {k: v for k, v in stored.items() if v is not None}
    to_unset = {k: "" for k, v in stored.items() if v is None}
    if to_set:
        update["$set"] = to_set
    if to_unset:
        update["$unset"] = to_unset
    return update


# A platform time this far from ours is not a time: the message is dated by our clock instead.
_PLAUSIBLE = 366 * 24 * 3600 * 1000


def message_time(event: InboundMessage, now: datetime) -> datetime:
    """When the customer wrote: the platform's timestamp, or `now` when it gave none or one that cannot be right."""
    if event.timestamp_ms and abs(event.timestamp_ms - to_ms(now)) <= _PLAUSIBLE:
        return datetime.fromtimestamp(event.timestamp_ms / 1000, UTC)
    return now


async def record_inbound(
    db: AsyncDatabase, tenant_id: str, conversation: Conversation, event: InboundMessage, text: str, *, now: datetime
) -> tuple[Message, bool]:
    """Store a customer's message once. Returns it and whether it is new (False on a redelivery)."""
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


async def note_customer_wrote_back(db: AsyncDatabase, tenant_id: str, conversation: Conversation, at: datetime) -> bool:
    """The customer wrote after the conversation's first answer: True the first time only, so it counts once."""
    if conversation.first_reply_at is None or conversation.customer_replied or at <= conversation.first_reply_at:
        return False
    result = await db.conversations.update_one(
        {"_id": conversation.id, "tenant_id": tenant_id, "customer_replied": {"$nin": [True]}},
        {"$set": {"customer_replied": True}},
    )
    return result.modified_count == 1


async def note_complaint(db: AsyncDatabase, tenant_id: str, conversation: Conversation) -> bool:
    """The customer complained or was angry: True the first time only, so a conversation counts once."""
    if conversation.complained:
        return False
    result = await db.conversations.update_one(
        {"_id": conversation.id, "tenant_id": tenant_id, "complained": {"$nin": [True]}}, {"$set": {"complained": True}}
    )
    return result.modified_count == 1


async def pending_inbound(db: AsyncDatabase, tenant_id: str, conversation_id: str) -> list[Message]:
    cursor = db.messages.find(
        {"tenant_id": tenant_id, "conversation_id": conversation_id, "state": InboundState.pending.value}
    ).sort("at", ASCENDING)
    return [_message(doc) async for doc in cursor]


async def mark_inbound(
    db: AsyncDatabase, tenant_id: str, message_ids: list[str], state: str, *, intent: str = "", confidence: float = 0.0
) -> None:
    fields: dict[str, Any] = {"state": state}
    if intent:
        fields.update(intent=intent, confidence=round(confidence, 3))
    await db.messages.update_many({"_id": {"$in": message_ids}, "tenant_id": tenant_id}, {"$set": fields})


async def record_outbound_once(
    db: AsyncDatabase,
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
    message_id: str = "",
    advance: bool = True,
    replace: bool = False,
    now: datetime | None = None,
) -> tuple[Message, bool]:
    """Store a message sent to the customer; True when it was not stored before. With `advance` it also becomes the conversation's newest; the
    engine passes False and moves the time in the turn's one closing write (`close_turn`). A message with
    this id stored already is kept, or with `replace` written over."""
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
    ):
        if value:
            doc[key] = value
    if replace:
        await db.messages.replace_one({"_id": doc["_id"], "tenant_id": tenant_id}, doc, upsert=True)
    else:
        try:
            await db.messages.insert_one(doc)
        except DuplicateKeyError:
            existing = await db.messages.find_one({"_id": doc["_id"], "tenant_id": tenant_id})
            return _message(existing or doc), False
    if advance:
        await _advance(db, tenant_id, conversation_id, now, "last_message_at")
    return _message(doc), True


async def record_outbound(db: AsyncDatabase, tenant_id: str, conversation_id: str, **fields: Any) -> Message:
    """Store a message sent to the customer (see `record_outbound_once`)."""
    message, _ = await record_outbound_once(db, tenant_id, conversation_id, **fields)
    return message


async def hold_unconfirmed_reply(
    db: AsyncDatabase,
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


async def confirm_reply_part(db: AsyncDatabase, tenant_id: str, message_id: str, part: int, platform_message_id: str) -> bool:
    """Meta reported part `part` of a turn's reply as sent (so every earlier part went too)."""
    update: dict[str, Any] = {"$max": {"parts_confirmed": part + 1}}
    if part == 0 and platform_message_id:
        update["$set"] = {"platform_message_id": platform_message_id}
    result = await db.messages.update_one({"_id": message_id, "tenant_id": tenant_id}, update)
    return result.matched_count == 1


async def purge_messages_before(db: AsyncDatabase, cutoff: datetime) -> int:
    """Delete every message (any tenant's) written before `cutoff`; the count deleted. Conversations, leads and
    the day's counters stay: the numbers an owner reads do not depend on the texts."""
    result = await db.messages.delete_many({"at": {"$lt": cutoff}})
    return int(result.deleted_count)


async def get_message(db: AsyncDatabase, tenant_id: str, message_id: str) -> Message | None:
    doc = await db.messages.find_one({"_id": message_id, "tenant_id": tenant_id})
    return _message(doc) if doc else None


async def recent_messages(db: AsyncDatabase, tenant_id: str, conversation_id: str, *, limit: int = 20) -> list[Message]:
    cursor = db.messages.find({"tenant_id": tenant_id, "conversation_id": conversation_id}).sort("at", DESCENDING).limit(limit)
    messages = [_message(doc) async for doc in cursor]
    messages.reverse()
    return messages


async def all_messages(db: AsyncDatabase, tenant_id: str, conversation_id: str, *, limit: int = 500) -> list[Message]:
    cursor = db.messages.find({"tenant_id": tenant_id, "conversation_id": conversation_id}).sort("at", ASCENDING).limit(limit)
    return [_message(doc) async for doc in cursor]


def _rank(delivery: str) -> int:
    """How far a sent message got (-1 for a state with no rank: failed, or unknown)."""
    try:
        return DELIVERY_RANK.get(Delivery(delivery), -1)
    except ValueError:
        return -1


async def update_delivery(
    db: AsyncDatabase, tenant_id: str, platform_message_id: str, status: str, *, error_code: int = 0, error_title: str = ""
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


async def mark_read_up_to(db: AsyncDatabase, tenant_id: str, conversation_id: str, watermark: datetime, status: str) -> None:
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
