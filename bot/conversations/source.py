"""Where a conversation came from: a plain message, a comment on a post, or an ad (the attribution).

The first referral wins: Meta attributes a conversation to the ad the customer clicked first, and a later click on
another ad, or the same referral delivered again, must not move sales from one ad to another. The winner is
decided by a unique `_id` in `conversation_sources` (one document per conversation), then copied onto the
conversation and its lead, which the owner's pages and the window rule read.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pymongo import ASCENDING, IndexModel
from pymongo.errors import DuplicateKeyError

from bot.sales.attribution import ConversationSource
from knowledge.db import Db


def to_ms(at: datetime) -> int:
    return int(at.timestamp() * 1000)


async def ensure_indexes(db: Db) -> None:
    await db.conversation_sources.create_indexes(
        [
            IndexModel([("tenant_id", ASCENDING), ("kind", ASCENDING), ("at_ms", ASCENDING)]),
            IndexModel([("tenant_id", ASCENDING), ("ad_id", ASCENDING)]),
        ]
    )


async def record_referral(db: Db, tenant_id: str, conversation_id: str, source: ConversationSource, *, at: datetime) -> bool:
    """Attribute the conversation to `source`, received at `at` (the customer's first message after the click).

    True when this referral is the conversation's attribution (the first, or the same one delivered again);
    False when an earlier, different one stands. Either way the conversation and its lead carry the winner, so a
    delivery that stopped halfway is completed by its redelivery.
    """
    doc: dict[str, Any] = {
        "_id": conversation_id,
        "tenant_id": tenant_id,
        **source.stored(),
        "kind": source.kind,
        "at_ms": to_ms(at),
    }
    try:
        await db.conversation_sources.insert_one(doc)
        winner = doc
    except DuplicateKeyError:
        found = await db.conversation_sources.find_one({"_id": conversation_id, "tenant_id": tenant_id})
        if found is None:  # the id belongs to another tenant's conversation: nothing of theirs is touched
            return False
        winner = found
    won = source_of(winner) == source
    await _copy_onto(db, tenant_id, conversation_id, winner)
    return won


def source_of(doc: dict[str, Any]) -> ConversationSource:
    return ConversationSource.model_validate({k: v for k, v in doc.items() if k in ConversationSource.model_fields})


async def _copy_onto(db: Db, tenant_id: str, conversation_id: str, winner: dict[str, Any]) -> None:
    stored = source_of(winner).stored()
    await db.conversations.update_one(
        {"_id": conversation_id, "tenant_id": tenant_id}, {"$set": {"source": stored, "source_at_ms": winner["at_ms"]}}
    )
    # The revision moves, so a turn that read the lead before this write saves again on top of it.
    await db.leads.update_one(
        {"conversation_id": conversation_id, "tenant_id": tenant_id}, {"$set": {"source": stored}, "$inc": {"revision": 1}}
    )


async def delete_tenant_data(db: Db, tenant_id: str) -> int:
    return (await db.conversation_sources.delete_many({"tenant_id": tenant_id})).deleted_count
