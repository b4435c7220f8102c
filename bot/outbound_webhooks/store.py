"""The collections of outbound webhooks and their indexes: `webhook_endpoints` (the owner's URLs),
`webhook_deliveries` (the outbox) and `webhook_attempts` (the delivery log)."""

from __future__ import annotations

from pymongo import ASCENDING, DESCENDING, IndexModel

from knowledge.db import Db

TENANT_COLLECTIONS = ("webhook_endpoints", "webhook_deliveries", "webhook_attempts")


async def ensure_indexes(db: Db) -> None:
    await db.webhook_endpoints.create_indexes(
        [IndexModel([("tenant_id", ASCENDING), ("created_ms", ASCENDING)]), IndexModel([("state", ASCENDING)])]
    )
    await db.webhook_deliveries.create_indexes(
        [
            IndexModel([("state", ASCENDING), ("next_try_ms", ASCENDING)]),
            IndexModel([("endpoint_id", ASCENDING), ("state", ASCENDING)]),
        ]
    )
    await db.webhook_attempts.create_indexes(
        [IndexModel([("tenant_id", ASCENDING), ("endpoint_id", ASCENDING), ("at_ms", DESCENDING)])]
    )


async def delete_tenant_data(db: Db, tenant_id: str) -> int:
    """A deleted account's endpoints, waiting events and log."""
    removed = 0
    for collection in TENANT_COLLECTIONS:
        removed += (await db[collection].delete_many({"tenant_id": tenant_id})).deleted_count
    return removed
