"""Everything a tenant's knowledge base holds, read from storage in one go."""

from __future__ import annotations

from dataclasses import dataclass

from knowledge.campaigns import list_campaigns
from knowledge.db import Db
from knowledge.models import BusinessProfile, Campaign, Passage
from knowledge.profiles import get_profile
from knowledge.store import CHUNKS


@dataclass(frozen=True)
class TenantKnowledge:
    tenant_id: str
    profile: BusinessProfile | None
    campaigns: list[Campaign]  # every campaign, any status or platform
    chunks: list[Passage]  # document chunks, in document and reading order


async def document_chunks(db: Db, tenant_id: str) -> list[Passage]:
    cursor = (
        db[CHUNKS].find({"tenant_id": tenant_id}, {"text": 1, "source": 1, "title": 1}).sort([("document_id", 1), ("ordinal", 1)])
    )
    return [Passage(text=doc["text"], source=doc["source"], title=doc.get("title", "")) async for doc in cursor]


async def load_tenant_knowledge(db: Db, tenant_id: str) -> TenantKnowledge:
    return TenantKnowledge(
        tenant_id=tenant_id,
        profile=await get_profile(db, tenant_id),
        campaigns=await list_campaigns(db, tenant_id),
        chunks=await document_chunks(db, tenant_id),
    )
