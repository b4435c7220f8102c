"""The collections of the sales side and their indexes: leads (with a revision that guards writes), lead_events
(score history), conversions (`_id` from the tenant and an idempotency key), daily_counters, the tenants' bot
settings (`engine_settings`, one document per tenant), ad spend (`ad_spend.py`) and the Conversions API's settings
and outbox (`conversions_api.py`)."""

from __future__ import annotations

from pymongo import ASCENDING, DESCENDING, IndexModel

from knowledge.db import Db


async def ensure_indexes(db: Db) -> None:
    await db.leads.create_indexes(
        [
            IndexModel([("conversation_id", ASCENDING)], unique=True),
            IndexModel([("tenant_id", ASCENDING), ("score", DESCENDING)]),
            IndexModel([("tenant_id", ASCENDING), ("created_at", ASCENDING)]),
            # Leads whose CRM events a process died before handing over (`leads.tell_crm_left_over`).
            IndexModel([("crm_pending_ms", ASCENDING)], sparse=True),
        ]
    )
    await db.lead_events.create_indexes([IndexModel([("tenant_id", ASCENDING), ("lead_id", ASCENDING), ("at", ASCENDING)])])
    await db.conversions.create_indexes([IndexModel([("tenant_id", ASCENDING), ("at", ASCENDING)])])
    await db.daily_counters.create_indexes([IndexModel([("tenant_id", ASCENDING), ("day_ordinal", ASCENDING)])])
    await db.ad_spend.create_indexes([IndexModel([("tenant_id", ASCENDING), ("to_ordinal", ASCENDING)])])
    await db.capi_events.create_indexes(
        [
            IndexModel([("state", ASCENDING), ("next_try_ms", ASCENDING)]),
            IndexModel([("tenant_id", ASCENDING), ("created_ms", ASCENDING)]),
        ]
    )


TENANT_COLLECTIONS = (
    "leads",
    "lead_events",
    "conversions",
    "daily_counters",
    "engine_settings",
    "ad_spend",
    "capi_events",
    "conversions_settings",
)


async def delete_tenant_data(db: Db, tenant_id: str) -> int:
    """Remove the tenant's leads, score history, sales, counters and bot settings (a deleted account)."""
    removed = 0
    for collection in TENANT_COLLECTIONS:
        removed += (await db[collection].delete_many({"tenant_id": tenant_id})).deleted_count
    return removed
