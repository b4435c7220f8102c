"""The collections of the sales side and their indexes: leads (with a revision that guards writes), lead_events
(score history), conversions (`_id` from the tenant and an idempotency key), daily_counters and the tenants' bot
settings (`engine_settings`, one document per tenant)."""

from __future__ import annotations

from pymongo import ASCENDING, DESCENDING, IndexModel
from pymongo.asynchronous.database import AsyncDatabase


async def ensure_indexes(db: AsyncDatabase) -> None:
    await db.leads.create_indexes([
        IndexModel([("conversation_id", ASCENDING)], unique=True),
        IndexModel([("tenant_id", ASCENDING), ("score", DESCENDING)]),
        IndexModel([("tenant_id", ASCENDING), ("created_at", ASCENDING)]),
    ])
    await db.lead_events.create_indexes([IndexModel([("tenant_id", ASCENDING), ("lead_id", ASCENDING), ("at", ASCENDING)])])
    await db.conversions.create_indexes([IndexModel([("tenant_id", ASCENDING), ("at", ASCENDING)])])
    await db.daily_counters.create_indexes([IndexModel([("tenant_id", ASCENDING), ("day_ordinal", ASCENDING)])])
