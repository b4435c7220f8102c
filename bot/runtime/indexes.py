"""The engine's collections and indexes, and the start-up call that creates every package's indexes.

Collections owned here: conversations, messages (one document each; a turn's reply has an id derived
from the turn, so a stored reply tells a retry the turn was answered), leads (with a revision that
guards writes), lead_events (score history), conversions (`_id` = tenant + idempotency key) and
daily_counters (flat `$inc` counters per tenant, day, campaign and platform, model usage among them).
"""

from __future__ import annotations

from pymongo import ASCENDING, DESCENDING, IndexModel
from pymongo.asynchronous.database import AsyncDatabase

import channels.accounts
import knowledge.store


async def ensure_engine_indexes(db: AsyncDatabase) -> None:
    await db.conversations.create_indexes([
        IndexModel([("platform", ASCENDING), ("account_id", ASCENDING), ("customer_id", ASCENDING)], unique=True),
        IndexModel([("tenant_id", ASCENDING), ("last_message_at_ms", DESCENDING)]),
        IndexModel([("tenant_id", ASCENDING), ("status", ASCENDING)]),
    ])
    await db.messages.create_indexes([
        IndexModel([("tenant_id", ASCENDING), ("conversation_id", ASCENDING), ("at", ASCENDING)]),
        IndexModel([("conversation_id", ASCENDING), ("state", ASCENDING)]),
        IndexModel([("tenant_id", ASCENDING), ("platform_message_id", ASCENDING)]),
    ])
    await db.leads.create_indexes([
        IndexModel([("conversation_id", ASCENDING)], unique=True),
        IndexModel([("tenant_id", ASCENDING), ("score", DESCENDING)]),
    ])
    await db.lead_events.create_indexes([IndexModel([("tenant_id", ASCENDING), ("lead_id", ASCENDING), ("at", ASCENDING)])])
    await db.conversions.create_indexes([IndexModel([("tenant_id", ASCENDING), ("at", ASCENDING)])])
    await db.daily_counters.create_indexes([IndexModel([("tenant_id", ASCENDING), ("day_ordinal", ASCENDING)])])


async def ensure_all_indexes(db: AsyncDatabase) -> None:
    await knowledge.store.ensure_indexes(db)
    await channels.accounts.ensure_indexes(db)
    await ensure_engine_indexes(db)
