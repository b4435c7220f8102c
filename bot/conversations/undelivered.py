"""A conversation whose latest reply did not reach the customer: pending while the platform tries again by itself,
failed once nothing more is tried (the owner may press Retry), ok again after any send that goes through.

The conversation carries the state (`delivery`), the kind of problem (`channels.problems`), since when, and what a
Retry sends again: the kept message, or else the dead letter of the delivery nobody answered.
"""

from __future__ import annotations

from datetime import datetime

from bot.conversations import store as convs
from bot.conversations.records import (
    Conversation,
    ConversationChanges,
    ConversationDelivery,
    ConversationStatus,
    Delivery,
    InboundState,
    conversation_from_doc,
    to_ms,
)
from channels.problems import not_sent, still_trying
from knowledge.db import Db

_CLEARED: ConversationChanges = {
    "delivery": None,
    "delivery_problem": None,
    "delivery_since": None,
    "failed_message_id": None,
    "deadletter_id": None,
    "last_error": None,
    "last_error_code": None,
}


def delivery_error(conversation: Conversation) -> str:
    """The owner's sentence for a conversation whose reply did not go out ("" when it did)."""
    if conversation.delivery == ConversationDelivery.failed:
        return not_sent(conversation.delivery_problem or "not_answered", conversation.platform)
    if conversation.delivery == ConversationDelivery.pending:
        return still_trying(conversation.delivery_problem or "unreachable", conversation.platform)
    return ""


def _since(conversation: Conversation, now: datetime) -> datetime:
    # The first failure of a run of them is what the owner needs ("since 10:42"); a later one keeps it.
    return (
        conversation.delivery_since if conversation.delivery != ConversationDelivery.ok and conversation.delivery_since else now
    )


async def note_pending(
    db: Db,
    conversation: Conversation,
    *,
    problem: str,
    message_id: str,
    now: datetime,
    status: ConversationStatus | None = None,
) -> None:
    """The reply `message_id` is kept and will be sent again by itself. `status` is the one its turn gives the
    conversation, applied now: a customer who asked for a person shows as waiting for one, whether or not the bot
    could tell them so."""
    changes: ConversationChanges = {
        "delivery": ConversationDelivery.pending,
        "delivery_problem": problem,
        "delivery_since": _since(conversation, now),
        "failed_message_id": message_id,
    }
    if status is not None and status != conversation.status:
        changes["status"] = status
    await convs.update_conversation(db, conversation.tenant_id, conversation.id, **changes)


async def note_failed(
    db: Db, conversation: Conversation, *, problem: str, message_id: str, now: datetime, deadletter_id: str = ""
) -> None:
    """Nothing more is tried by itself for this conversation's reply: the owner sees it and may press Retry."""
    changes: ConversationChanges = {
        "delivery": ConversationDelivery.failed,
        "delivery_problem": problem,
        "delivery_since": _since(conversation, now),
    }
    if message_id:
        changes["failed_message_id"] = message_id
    if deadletter_id:
        changes["deadletter_id"] = deadletter_id
    await convs.update_conversation(db, conversation.tenant_id, conversation.id, **changes)


async def note_delivered(db: Db, conversation: Conversation) -> None:
    """A send reached Meta: whatever did not go out before, the customer has an answer now."""
    if conversation.delivery != ConversationDelivery.ok:
        await convs.update_conversation(db, conversation.tenant_id, conversation.id, **_CLEARED)


async def claim_retry(db: Db, tenant_id: str, conversation_id: str) -> Conversation | None:
    """Take a failed conversation's retry, once: the one caller that gets it back may send; every other (a double
    click, a second tab) gets None."""
    doc = await db.conversations.find_one_and_update(
        {"_id": conversation_id, "tenant_id": tenant_id, "delivery": ConversationDelivery.failed.value},
        {"$set": {"delivery": ConversationDelivery.pending.value}},
    )
    if doc is None:
        return None
    return await convs.get_conversation(db, tenant_id, conversation_id)


async def give_back_retry(db: Db, conversation: Conversation) -> None:
    """A claimed retry that could not start: the conversation is failed again, as it was."""
    await db.conversations.update_one(
        {"_id": conversation.id, "tenant_id": conversation.tenant_id, "delivery": ConversationDelivery.pending.value},
        {"$set": {"delivery": ConversationDelivery.failed.value}},
    )


async def fail_after_retries(db: Db, conversation: Conversation, *, deadletter_id: str, now: datetime) -> bool:
    """The delivery holding this customer's message was given up (dead-lettered): a reply still being retried is
    failed, and so is a conversation whose messages nobody answered. True when the conversation is failed now."""
    tenant_id = conversation.tenant_id
    await db.messages.update_many(
        {"tenant_id": tenant_id, "conversation_id": conversation.id, "delivery": Delivery.retrying.value},
        {"$set": {"delivery": Delivery.failed.value}},
    )
    if conversation.delivery == ConversationDelivery.pending:
        await note_failed(
            db,
            conversation,
            problem=conversation.delivery_problem,
            message_id=conversation.failed_message_id,
            now=now,
            deadletter_id=deadletter_id,
        )
        return True
    waiting = await db.messages.find_one(
        {"tenant_id": tenant_id, "conversation_id": conversation.id, "state": InboundState.pending.value}, {"_id": 1}
    )
    if waiting is None or conversation.silent:
        return False
    await note_failed(db, conversation, problem="not_answered", message_id="", now=now, deadletter_id=deadletter_id)
    return True


async def count_failed(db: Db, tenant_id: str) -> int:
    """How many of the business's conversations have a reply that did not reach the customer."""
    return await db.conversations.count_documents({"tenant_id": tenant_id, "delivery": ConversationDelivery.failed.value})


async def failed_since(db: Db, since: datetime, *, limit: int = 1000) -> list[Conversation]:
    """Failed conversations of any business whose trouble began after `since` (the alerts' look for news)."""
    cursor = db.conversations.find(
        {"delivery": ConversationDelivery.failed.value, "delivery_since_ms": {"$gt": to_ms(since)}}
    ).limit(limit)
    return [conversation_from_doc(doc) async for doc in cursor]
