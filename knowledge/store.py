"""The collections the knowledge base owns, their indexes, and small helpers shared by its modules."""

from __future__ import annotations

from datetime import UTC, datetime

from pymongo import ASCENDING, DESCENDING
from pymongo.asynchronous.database import AsyncDatabase

PROFILES = "profiles"  # _id = tenant_id
CAMPAIGNS = "campaigns"
DOCUMENTS = "documents"
CHUNKS = "chunks"
VERSIONS = "knowledge_versions"  # _id = tenant_id, `version` moves on every change

_INDEXES: dict[str, list[tuple[str, list[tuple[str, int]]]]] = {
    CAMPAIGNS: [
        ("tenant_status_platform", [("tenant_id", ASCENDING), ("status", ASCENDING), ("target_platform", ASCENDING)]),
        ("tenant_created", [("tenant_id", ASCENDING), ("created_at", DESCENDING)]),
    ],
    DOCUMENTS: [("tenant_created", [("tenant_id", ASCENDING), ("created_at", DESCENDING)])],
    CHUNKS: [
        ("tenant_document_ordinal", [("tenant_id", ASCENDING), ("document_id", ASCENDING), ("ordinal", ASCENDING)]),
    ],
}


async def ensure_indexes(db: AsyncDatabase) -> None:
    """Create the knowledge collections' indexes (idempotent). Profiles and versions are read by _id only."""
    for collection, indexes in _INDEXES.items():
        for name, keys in indexes:
            await db[collection].create_index(keys, name=name)


def now() -> datetime:
    """The current UTC time at the millisecond precision MongoDB stores, so a stored value reads back equal."""
    moment = datetime.now(UTC)
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


def as_utc(moment: datetime) -> datetime:
    """A stored time as an aware UTC datetime, whether or not the client was created with tz_aware."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
