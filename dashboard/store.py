"""Indexes of the dashboard's collections: tenants, owners, api_tokens, facebook_links, facebook_deletions,
team_invites, team_actions."""

from __future__ import annotations

from pymongo import ASCENDING, IndexModel

from knowledge.db import Db


async def ensure_indexes(db: Db) -> None:
    await db.owners.create_indexes(
        [
            IndexModel([("email", ASCENDING)], unique=True),
            IndexModel([("tenant_id", ASCENDING)]),
        ]
    )
    await db.api_tokens.create_indexes([IndexModel([("tenant_id", ASCENDING)])])
    await db.tenants.create_indexes([IndexModel([("facebook_user_id", ASCENDING)], sparse=True)])
    await db.facebook_links.create_indexes(
        [
            IndexModel([("tenant_id", ASCENDING), ("platform", ASCENDING), ("account_id", ASCENDING)], unique=True),
            IndexModel([("tenant_id", ASCENDING), ("channel_id", ASCENDING)]),
            IndexModel([("facebook_user_id", ASCENDING)], sparse=True),
        ]
    )
    await db.team_invites.create_indexes(
        [IndexModel([("token_hash", ASCENDING)], unique=True), IndexModel([("tenant_id", ASCENDING), ("email", ASCENDING)])]
    )
    await db.team_actions.create_indexes([IndexModel([("tenant_id", ASCENDING), ("conversation_id", ASCENDING)])])


async def delete_tenant_data(db: Db, tenant_id: str) -> int:
    """Remove the owner side's records of the tenant (a deleted account): what Facebook Login connected, its
    API tokens, its team's invitations and actions, its people (owner and agents) and, last, the tenant itself.
    A data-deletion record that names the tenant keeps its confirmation code for Meta's status page but forgets
    the tenant."""
    removed = 0
    for collection in ("facebook_links", "api_tokens", "team_invites", "team_actions", "owners"):
        removed += (await db[collection].delete_many({"tenant_id": tenant_id})).deleted_count
    await db.facebook_deletions.update_many({"tenant_ids": tenant_id}, {"$pull": {"tenant_ids": tenant_id}})
    await db.facebook_deletions.update_many({"tenant_id": tenant_id}, {"$set": {"tenant_id": ""}})
    removed += (await db.tenants.delete_many({"tenant_id": tenant_id})).deleted_count
    return removed
