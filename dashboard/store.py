"""Indexes of the dashboard's collections: tenants, owners, api_tokens, facebook_links, facebook_deletions."""

from __future__ import annotations

from pymongo import ASCENDING, IndexModel
from pymongo.asynchronous.database import AsyncDatabase


async def ensure_indexes(db: AsyncDatabase) -> None:
    await db.owners.create_indexes([
        IndexModel([("email", ASCENDING)], unique=True),
        IndexModel([("tenant_id", ASCENDING)]),
    ])
    await db.api_tokens.create_indexes([IndexModel([("tenant_id", ASCENDING)])])
    await db.tenants.create_indexes([IndexModel([("facebook_user_id", ASCENDING)], sparse=True)])
    await db.facebook_links.create_indexes([
        IndexModel([("tenant_id", ASCENDING), ("platform", ASCENDING), ("account_id", ASCENDING)], unique=True),
        IndexModel([("tenant_id", ASCENDING), ("channel_id", ASCENDING)]),
        IndexModel([("facebook_user_id", ASCENDING)], sparse=True),
    ])
