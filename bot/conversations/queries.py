"""Owner-side reads of conversations: the inbox's filters and search, the customers still waiting for an answer,
and the conversations that changed lately.

Only reads, on the indexes the store declares (`tenant_id` + `last_message_at_ms`, `tenant_id` + `status`,
messages by `tenant_id` + `state`); a search of the messages' text reads the business's messages.
"""

from __future__ import annotations

import re
from typing import Any

from pymongo import ASCENDING, DESCENDING, IndexModel

from bot.conversations.records import Conversation, ConversationDelivery, InboundState, conversation_from_doc
from knowledge.db import Db

# A stage filter joins through the leads; this many of that stage's latest leads are looked at.
STAGE_JOIN_LIMIT = 5000


async def find_conversations(
    db: Db,
    tenant_id: str,
    *,
    status: str = "",
    platform: str = "",
    campaign_id: str = "",
    delivery: str = "",
    ids: list[str] | None = None,
    limit: int = 50,
    skip: int = 0,
) -> list[Conversation]:
    """Conversations newest first, filtered on status, platform, campaign, delivery and (when given) a set of ids."""
    query: dict[str, Any] = {"tenant_id": tenant_id}
    if status:
        query["status"] = status
    if platform:
        query["platform"] = platform
    if campaign_id:
        query["campaign_id"] = campaign_id
    if delivery == "ok":
        query["delivery"] = {"$nin": ["pending", "failed"]}  # an answered conversation stores no delivery at all
    elif delivery:
        query["delivery"] = delivery
    if ids is not None:
        query["_id"] = {"$in": ids}
    cursor = db.conversations.find(query).sort("last_message_at_ms", DESCENDING).skip(skip).limit(limit)
    return [conversation_from_doc(doc) async for doc in cursor]


async def conversation_ids_at_stage(db: Db, tenant_id: str, stage: str) -> list[str]:
    """The conversations whose lead is at `stage` (the latest leads first, at most STAGE_JOIN_LIMIT)."""
    cursor = (
        db.leads.find({"tenant_id": tenant_id, "stage": stage}, {"conversation_id": 1})
        .sort("updated_at", DESCENDING)
        .limit(STAGE_JOIN_LIMIT)
    )
    return [doc["conversation_id"] async for doc in cursor]


# A customer message in these states has no answer yet: waiting for the bot's turn, or kept for a person.
WAITING_STATES = (InboundState.pending.value, InboundState.held.value)
# A search names at most this many conversations (the newest matches first).
SEARCH_LIMIT = 500


async def waiting_conversation_ids(db: Db, tenant_id: str) -> list[str]:
    """Conversations whose customer's last message has no reply yet: a message still waiting (for the bot or a
    person), or a reply that did not reach them."""
    # A find, not `distinct`: the embedded server's distinct ignores an `$in` filter.
    waiting = db.messages.find({"tenant_id": tenant_id, "state": {"$in": list(WAITING_STATES)}}, {"conversation_id": 1})
    failed = db.conversations.find({"tenant_id": tenant_id, "delivery": ConversationDelivery.failed.value}, {"_id": 1})
    return sorted({doc["conversation_id"] async for doc in waiting} | {doc["_id"] async for doc in failed})


async def matching_conversation_ids(db: Db, tenant_id: str, words: str) -> list[str]:
    """Conversations whose customer's name (as the channel gave it, or as the lead holds it) or whose messages hold
    `words`, in any case."""
    pattern = {"$regex": re.escape(words.strip()), "$options": "i"}
    found: dict[str, None] = {}
    named = db.conversations.find({"tenant_id": tenant_id, "customer_name": pattern}, {"_id": 1}).limit(SEARCH_LIMIT)
    async for doc in named:
        found.setdefault(doc["_id"], None)
    leads = db.leads.find({"tenant_id": tenant_id, "name": pattern}, {"conversation_id": 1}).limit(SEARCH_LIMIT)
    async for doc in leads:
        found.setdefault(doc["conversation_id"], None)
    said = db.messages.find({"tenant_id": tenant_id, "text": pattern}, {"conversation_id": 1}).sort("at", DESCENDING)
    async for doc in said.limit(SEARCH_LIMIT * 4):
        if len(found) >= SEARCH_LIMIT:
            break
        found.setdefault(doc["conversation_id"], None)
    return list(found)[:SEARCH_LIMIT]


async def changed_since(db: Db, tenant_id: str, since_ms: int, *, limit: int = 100) -> list[Conversation]:
    """Conversations whose newest message, status or delivery changed after `since_ms`, oldest message first."""
    query = {
        "tenant_id": tenant_id,
        "$or": [{"last_message_at_ms": {"$gt": since_ms}}, {"changed_at_ms": {"$gt": since_ms}}],
    }
    cursor = db.conversations.find(query).sort("last_message_at_ms", ASCENDING).limit(limit)
    return [conversation_from_doc(doc) async for doc in cursor]


async def ensure_indexes(db: Db) -> None:
    """Indexes of these reads beyond the store's own: the inbox's campaign filter."""
    await db.conversations.create_indexes(
        [
            IndexModel([("tenant_id", ASCENDING), ("campaign_id", ASCENDING), ("last_message_at_ms", DESCENDING)]),
        ]
    )
