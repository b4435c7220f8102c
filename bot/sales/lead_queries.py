"""Owner-side reads of leads: a sortable, filterable page of them and how many there are."""

from __future__ import annotations

from typing import Any, Literal

from pymongo import ASCENDING, DESCENDING, IndexModel

from bot.sales.leads import Lead, lead_from_doc
from knowledge.db import Db

LeadSort = Literal["score", "updated", "created", "value"]
SORT_FIELDS: dict[str, str] = {"score": "score", "updated": "updated_at", "created": "created_at", "value": "value_cents"}


async def ensure_indexes(db: Db) -> None:
    await db.leads.create_indexes(
        [
            IndexModel([("tenant_id", ASCENDING), ("updated_at", DESCENDING)]),
            IndexModel([("tenant_id", ASCENDING), ("stage", ASCENDING), ("updated_at", DESCENDING)]),
        ]
    )


def _query(tenant_id: str, stage: str, platform: str, campaign_id: str) -> dict[str, Any]:
    query: dict[str, Any] = {"tenant_id": tenant_id}
    if stage:
        query["stage"] = stage
    if platform:
        query["platform"] = platform
    if campaign_id:
        query["campaign_id"] = campaign_id
    return query


async def page_of_leads(
    db: Db,
    tenant_id: str,
    *,
    stage: str = "",
    platform: str = "",
    campaign_id: str = "",
    sort: LeadSort = "score",
    descending: bool = True,
    limit: int = 50,
    skip: int = 0,
) -> list[Lead]:
    """Leads filtered on stage, platform and campaign, sorted on one field (ties: newest first)."""
    direction = DESCENDING if descending else ASCENDING
    order = [(SORT_FIELDS[sort], direction), ("_id", ASCENDING)]
    cursor = db.leads.find(_query(tenant_id, stage, platform, campaign_id)).sort(order).skip(skip).limit(limit)
    return [lead_from_doc(doc) async for doc in cursor]


async def count_leads(db: Db, tenant_id: str, *, stage: str = "", platform: str = "", campaign_id: str = "") -> int:
    return await db.leads.count_documents(_query(tenant_id, stage, platform, campaign_id))
