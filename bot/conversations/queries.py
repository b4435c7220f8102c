"""Owner-side reads of conversations: the inbox's filters and the conversations that changed lately.

Only reads, on the indexes the store declares (`tenant_id` + `last_message_at_ms`, `tenant_id` + `status`).
"""

from __future__ import annotations

from typing import Any

from pymongo import ASCENDING, DESCENDING, IndexModel
from pymongo.asynchronous.database import AsyncDatabase

from bot.conversations.records import Conversation, conversation_from_doc

# A stage filter joins through the leads; this many of that stage's latest leads are looked at.
STAGE_JOIN_LIMIT = 5000


async def find_conversations(
    db: AsyncDatabase,
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


async def conversation_ids_at_stage(db: AsyncDatabase, tenant_id: str, stage: str) -> list[str]:
    """The conversations whose lead is at `stage` (the latest leads first, at most STAGE_JOIN_LIMIT)."""
    cursor = (
        db.leads.find({"tenant_id": tenant_id, "stage": stage}, {"conversation_id": 1})
        .sort("updated_at", DESCENDING)
        .limit(STAGE_JOIN_LIMIT)
    )
    return [doc["conversation_id"] async for doc in cursor]


async def changed_since(db: AsyncDatabase, tenant_id: str, since_ms: int, *, limit: int = 100) -> list[Conversation]:
    """Conversations whose newest message is later than `since_ms`, oldest change first."""
    cursor = (
        db.conversations.find({"tenant_id": tenant_id, "last_message_at_ms": {"$gt": since_ms}})
        .sort("last_message_at_ms", ASCENDING)
        .limit(limit)
    )
    return [conversation_from_doc(doc) async for doc in cursor]


async def ensure_indexes(db: AsyncDatabase) -> None:
    """Indexes of these reads beyond the store's own: the inbox's campaign filter."""
    await db.conversations.create_indexes(
        [
            IndexModel([("tenant_id", ASCENDING), ("campaign_id", ASCENDING), ("last_message_at_ms", DESCENDING)]),
        ]
    )
