"""The collections the knowledge base owns, their indexes, and small helpers shared by its modules."""

from __future__ import annotations

from datetime import UTC, datetime

from pymongo import ASCENDING, IndexModel

from knowledge.db import Db

PROFILES = "profiles"  # _id = tenant_id
CAMPAIGNS = "campaigns"
DOCUMENTS = "documents"
CHUNKS = "chunks"
VERSIONS = "knowledge_versions"  # _id = tenant_id, `version` moves on every change

# Index names are left to the server: the same keys then always give the same index, on any server.
# All ascending: a compound index serves its sort in both directions.
_INDEXES: dict[str, list[list[tuple[str, int]]]] = {
    CAMPAIGNS: [
        [("tenant_id", ASCENDING), ("status", ASCENDING), ("target_platform", ASCENDING)],
        [("tenant_id", ASCENDING), ("created_at", ASCENDING)],
    ],
    DOCUMENTS: [[("tenant_id", ASCENDING), ("created_at", ASCENDING)]],
    CHUNKS: [[("tenant_id", ASCENDING), ("document_id", ASCENDING), ("ordinal", ASCENDING)]],
}


async def ensure_indexes(db: Db) -> None:
    """Create the knowledge collections' indexes (idempotent). Profiles and versions are read by _id only."""
    for collection, indexes in _INDEXES.items():
        await db[collection].create_indexes([IndexModel(keys) for keys in indexes])


def now() -> datetime:
    """The current UTC time at the millisecond precision MongoDB stores, so a stored value reads back equal."""
    moment = datetime.now(UTC)
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


def as_utc(moment: datetime) -> datetime:
    """A stored time as an aware UTC datetime, whether or not the client was created with tz_aware."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


TENANT_COLLECTIONS = (PROFILES, CAMPAIGNS, DOCUMENTS, CHUNKS, VERSIONS)


async def delete_tenant_data(db: Db, tenant_id: str) -> int:
    """Remove everything the knowledge base holds for the tenant (a deleted account); returns the count.
    Chunks go before their documents, as when one document is deleted."""
    removed = 0
    for collection in (CHUNKS, DOCUMENTS, CAMPAIGNS, PROFILES, VERSIONS):
        removed += (await db[collection].delete_many({"tenant_id": tenant_id})).deleted_count
    return removed
