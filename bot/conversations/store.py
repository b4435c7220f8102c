"""Conversations, always scoped by tenant: one per platform, account and customer, with its status, campaign and
times. This store also owns the `messages` collection's indexes; the messages themselves are in `messages.py`.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, Unpack

from pymongo import ASCENDING, DESCENDING, IndexModel, ReturnDocument
from pymongo.errors import DuplicateKeyError

from bot.conversations import source, voice_clips
from bot.conversations.records import (
    NEVER,
    TIME_FIELDS,
    Conversation,
    ConversationChanges,
    ConversationDelivery,
    ConversationStatus,
    Delivery,
    InboundState,
    NewConversationFields,
    conversation_from_doc,
    message_from_doc,
    to_ms,
)
from knowledge.db import Db

_conversation = conversation_from_doc
_message = message_from_doc


# The private replies to comments (`bot/inbound/comment_replies.py`), one document per comment.
COMMENT_REPLIES = "comment_replies"
# Every comment others wrote under the account's posts and ads, answered or not (one document per comment, no
# text): what an ad's or post's page counts as comments received.
COMMENTS_RECEIVED = "comments_received"


async def recent_comment_replies(db: Db, tenant_id: str, *, limit: int = 50) -> list[dict[str, Any]]:
    """The tenant's latest comment replies, newest first, as stored."""
    cursor = db[COMMENT_REPLIES].find({"tenant_id": tenant_id}).sort("at", DESCENDING).limit(limit)
    return [doc async for doc in cursor]


def utcnow() -> datetime:
    return datetime.now(UTC)


async def ensure_indexes(db: Db) -> None:
    await db.conversations.create_indexes(
        [
            IndexModel([("platform", ASCENDING), ("account_id", ASCENDING), ("customer_id", ASCENDING)], unique=True),
            IndexModel([("tenant_id", ASCENDING), ("last_message_at_ms", DESCENDING)]),
            # A WhatsApp customer found by their business-scoped user id (their number hidden, or shown again).
            IndexModel(
                [("tenant_id", ASCENDING), ("platform", ASCENDING), ("account_id", ASCENDING), ("customer_user_id", ASCENDING)]
            ),
            IndexModel([("tenant_id", ASCENDING), ("status", ASCENDING)]),
            # The owner's "not answered" list and count, and the alerts' look for new failures.
            IndexModel([("tenant_id", ASCENDING), ("delivery", ASCENDING)]),
            IndexModel([("delivery", ASCENDING), ("delivery_since_ms", ASCENDING)]),
            # Live pages: conversations whose status or delivery changed lately.
            IndexModel([("tenant_id", ASCENDING), ("changed_at_ms", ASCENDING)]),
            # Every worker's look for nudges that are due (`bot/follow_ups/`); only planned ones have the field.
            IndexModel([("follow_up_due_ms", ASCENDING)], sparse=True),
        ]
    )
    await voice_clips.ensure_indexes(db)
    await db.messages.create_indexes(
        [
            IndexModel([("tenant_id", ASCENDING), ("conversation_id", ASCENDING), ("at", ASCENDING)]),
            # The same two fields alone: the embedded server uses an index only when a query names all its fields,
            # and a conversation's latest messages (every turn, every inbox row) are asked by these two.
            IndexModel([("tenant_id", ASCENDING), ("conversation_id", ASCENDING)]),
            # The inbox's "not answered": customer messages still waiting for an answer.
            IndexModel([("tenant_id", ASCENDING), ("state", ASCENDING)]),
            IndexModel([("conversation_id", ASCENDING), ("state", ASCENDING)]),
            IndexModel([("tenant_id", ASCENDING), ("platform_message_id", ASCENDING)]),
            IndexModel([("at", ASCENDING)]),  # the retention purge
        ]
    )
    await source.ensure_indexes(db)
    await db[COMMENT_REPLIES].create_indexes([IndexModel([("tenant_id", ASCENDING), ("at", DESCENDING)])])
    await db[COMMENTS_RECEIVED].create_indexes(
        [
            IndexModel([("tenant_id", ASCENDING), ("post_id", ASCENDING)]),
            IndexModel([("tenant_id", ASCENDING), ("ad_id", ASCENDING)]),
        ]
    )


async def delete_tenant_data(db: Db, tenant_id: str) -> int:
    """Remove the tenant's conversations and messages (a deleted account); messages first, so nothing is left
    pointing at a conversation that is gone."""
    removed = (await db.messages.delete_many({"tenant_id": tenant_id})).deleted_count
    removed += (await db.conversations.delete_many({"tenant_id": tenant_id})).deleted_count
    removed += await source.delete_tenant_data(db, tenant_id)
    removed += (await db[COMMENT_REPLIES].delete_many({"tenant_id": tenant_id})).deleted_count
    removed += await voice_clips.delete_tenant_data(db, tenant_id)
    removed += (await db[COMMENTS_RECEIVED].delete_many({"tenant_id": tenant_id})).deleted_count
    return removed


async def advance_time(db: Db, tenant_id: str, conversation_id: str, at: datetime, name: str) -> None:
    """Move a time field forward only."""
    ms = to_ms(at)
    await db.conversations.update_one(
        {"_id": conversation_id, "tenant_id": tenant_id, f"{name}_ms": {"$lt": ms}}, {"$set": {f"{name}_ms": ms}}
    )


async def mark_read(db: Db, tenant_id: str, conversation_id: str, at: datetime) -> None:
    """Someone of the team opened the conversation at `at` (the mark only moves forward; `$max` sets it the first time)."""
    await db.conversations.update_one({"_id": conversation_id, "tenant_id": tenant_id}, {"$max": {"read_at_ms": to_ms(at)}})


async def open_conversation(
    db: Db,
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
    db: Db,
    tenant_id: str,
    platform: str,
    account_id: str,
    customer_id: str,
    customer_name: str = "",
    *,
    now: datetime | None = None,
    **fields: Unpack[NewConversationFields],
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
    db: Db,
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


async def find_conversation(db: Db, tenant_id: str, platform: str, account_id: str, customer_id: str) -> Conversation | None:
    doc = await db.conversations.find_one(
        {"tenant_id": tenant_id, "platform": platform, "account_id": account_id, "customer_id": customer_id}
    )
    return _conversation(doc) if doc else None


async def find_customer_conversation(
    db: Db, tenant_id: str, platform: str, account_id: str, customer_id: str, customer_user_id: str = ""
) -> Conversation | None:
    """The customer's conversation, by the id the message names or else by their business-scoped user id: a
    WhatsApp customer who hides their number now (or shows it again) is still the same conversation."""
    found = await find_conversation(db, tenant_id, platform, account_id, customer_id)
    if found is not None or not customer_user_id:
        return found
    doc = await db.conversations.find_one(
        {"tenant_id": tenant_id, "platform": platform, "account_id": account_id, "customer_user_id": customer_user_id}
    )
    return _conversation(doc) if doc else None


async def move_customer(db: Db, conversation: Conversation, new_customer_id: str) -> Conversation | None:
    """The conversation now goes to `new_customer_id` (the customer's new number, or their user id when the number
    is hidden), and so does its lead. None, and nothing changed, when that id has a conversation of its own."""
    taken = await find_conversation(db, conversation.tenant_id, conversation.platform, conversation.account_id, new_customer_id)
    if taken is not None:
        return None
    try:
        moved = await update_conversation(db, conversation.tenant_id, conversation.id, customer_id=new_customer_id)
    except DuplicateKeyError:  # another worker moved or created it meanwhile
        return None
    await db.leads.update_many(
        {"tenant_id": conversation.tenant_id, "conversation_id": conversation.id}, {"$set": {"customer_id": new_customer_id}}
    )
    return moved


async def get_conversation(db: Db, tenant_id: str, conversation_id: str) -> Conversation | None:
    doc = await db.conversations.find_one({"_id": conversation_id, "tenant_id": tenant_id})
    return _conversation(doc) if doc else None


async def list_conversations(
    db: Db, tenant_id: str, *, status: str = "", platform: str = "", limit: int = 50, skip: int = 0
) -> list[Conversation]:
    query: dict[str, Any] = {"tenant_id": tenant_id}
    if status:
        query["status"] = str(status)
    if platform:
        query["platform"] = platform
    cursor = db.conversations.find(query).sort("last_message_at_ms", DESCENDING).skip(skip).limit(limit)
    return [_conversation(doc) async for doc in cursor]


async def update_conversation(
    db: Db, tenant_id: str, conversation_id: str, **fields: Unpack[ConversationChanges]
) -> Conversation | None:
    """Set fields; a value of None removes the field (nothing is stored as null)."""
    doc = await db.conversations.find_one_and_update(
        {"_id": conversation_id, "tenant_id": tenant_id}, _update(fields), return_document=ReturnDocument.AFTER
    )
    return _conversation(doc) if doc else None


async def close_turn(
    db: Db,
    tenant_id: str,
    conversation_id: str,
    *,
    last_message_at: datetime | None = None,
    **fields: Unpack[ConversationChanges],
) -> None:
    """A turn's changes to its conversation in one write: fields to set (None removes) and, when the turn
    recorded a reply, its time as the newest message unless a newer one is there already."""
    update = _update(fields)
    if last_message_at is not None:
        update["$max"] = {"last_message_at_ms": to_ms(last_message_at)}
    if update:
        await db.conversations.update_one({"_id": conversation_id, "tenant_id": tenant_id}, update)


def _stored(fields: Mapping[str, object]) -> dict[str, Any]:
    """Field values as stored: times as `*_ms` integers, enums as their strings."""
    stored: dict[str, Any] = {}
    for name, value in fields.items():
        if name in TIME_FIELDS:
            stored[f"{name}_ms"] = to_ms(value) if isinstance(value, datetime) else None
        else:
            stored[name] = (
                value.value if isinstance(value, (ConversationStatus, ConversationDelivery, InboundState, Delivery)) else value
            )
    return stored


# A change to these is shown on every open page of the business (a take-over in one tab, a handoff by the bot).
WATCHED_FIELDS = frozenset({"status", "delivery"})


def _update(fields: ConversationChanges) -> dict[str, Any]:
    """`$set` for values, `$unset` for None: nothing is stored as null. A status or delivery change is stamped
    with the wall clock (`changed_at_ms`), which the live pages' poller follows alongside new messages."""
    if WATCHED_FIELDS & fields.keys() and "changed_at" not in fields:
        fields = fields.copy()
        fields["changed_at"] = utcnow()
    stored = _stored(fields)
    update: dict[str, Any] = {}
    to_set = {k: v for k, v in stored.items() if v is not None}
    to_unset = {k: "" for k, v in stored.items() if v is None}
    if to_set:
        update["$set"] = to_set
    if to_unset:
        update["$unset"] = to_unset
    return update


async def note_customer_wrote_back(db: Db, tenant_id: str, conversation: Conversation, at: datetime) -> bool:
    """The customer wrote after the conversation's first answer: True the first time only, so it counts once."""
    if conversation.first_reply_at is None or conversation.customer_replied or at <= conversation.first_reply_at:
        return False
    result = await db.conversations.update_one(
        {"_id": conversation.id, "tenant_id": tenant_id, "customer_replied": {"$nin": [True]}},
        {"$set": {"customer_replied": True}},
    )
    return result.modified_count == 1


async def note_complaint(db: Db, tenant_id: str, conversation: Conversation) -> bool:
    """The customer complained or was angry: True the first time only, so a conversation counts once."""
    if conversation.complained:
        return False
    result = await db.conversations.update_one(
        {"_id": conversation.id, "tenant_id": tenant_id, "complained": {"$nin": [True]}}, {"$set": {"complained": True}}
    )
    return result.modified_count == 1
