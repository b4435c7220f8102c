"""What Facebook Login connected, remembered so Meta's deauthorize and deletion callbacks can undo it.

Collections: `facebook_links` (one document per account connected through login: tenant, Facebook user,
platform, channel account id) and `facebook_deletions` (one per data-deletion request, read back by its
confirmation code on the public status page).
"""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from knowledge.db import Db


@dataclass(frozen=True)
class FacebookLink:
    id: str
    tenant_id: str
    facebook_user_id: str
    platform: str
    account_id: str  # the page id or Instagram account id
    channel_id: str  # the id of the connected account in `channels`
    page_id: str  # the page through which the account is reached (the page itself for Messenger)


def _link(doc: dict[str, Any]) -> FacebookLink:
    return FacebookLink(
        id=doc["_id"],
        tenant_id=doc["tenant_id"],
        facebook_user_id=doc.get("facebook_user_id", ""),
        platform=doc["platform"],
        account_id=doc["account_id"],
        channel_id=doc["channel_id"],
        page_id=doc.get("page_id", ""),
    )


async def record_link(
    db: Db, tenant_id: str, facebook_user_id: str, platform: str, account_id: str, channel_id: str, page_id: str
) -> None:
    """Remember (once per tenant, platform and account) that login connected this account."""
    doc: dict[str, Any] = {
        "tenant_id": tenant_id,
        "platform": platform,
        "account_id": account_id,
        "channel_id": channel_id,
        "page_id": page_id,
        "updated_at": datetime.now(UTC),
    }
    if facebook_user_id:
        doc["facebook_user_id"] = facebook_user_id
    key = {"tenant_id": tenant_id, "platform": platform, "account_id": account_id}
    existing = await db.facebook_links.find_one(key)
    if existing:
        await db.facebook_links.replace_one({"_id": existing["_id"], "tenant_id": tenant_id}, {"_id": existing["_id"], **doc})
    else:
        await db.facebook_links.insert_one({"_id": uuid.uuid4().hex, **doc})


async def link_for_channel(db: Db, tenant_id: str, channel_id: str) -> FacebookLink | None:
    doc = await db.facebook_links.find_one({"tenant_id": tenant_id, "channel_id": channel_id})
    return _link(doc) if doc else None


async def links_of_page(db: Db, tenant_id: str, page_id: str) -> list[FacebookLink]:
    return [_link(doc) async for doc in db.facebook_links.find({"tenant_id": tenant_id, "page_id": page_id})]


async def forget_link(db: Db, tenant_id: str, link_id: str) -> None:
    await db.facebook_links.delete_one({"_id": link_id, "tenant_id": tenant_id})


async def links_of_facebook_user(db: Db, facebook_user_id: str) -> list[FacebookLink]:
    """Every tenant's links made by this Facebook user: Meta's callbacks name a user, not a tenant."""
    if not facebook_user_id:
        return []
    return [_link(doc) async for doc in db.facebook_links.find({"facebook_user_id": facebook_user_id})]


async def tenants_of_facebook_user(db: Db, facebook_user_id: str) -> list[str]:
    if not facebook_user_id:
        return []
    return [doc["_id"] async for doc in db.tenants.find({"facebook_user_id": facebook_user_id}, {"_id": 1})]


async def record_deletion(db: Db, tenant_ids: list[str], accounts_removed: int) -> str:
    """Store a deletion request's outcome and return its confirmation code (no Facebook id is kept)."""
    code = secrets.token_urlsafe(12)
    await db.facebook_deletions.insert_one(
        {
            "_id": code,
            # The request names a person, who may have linked several tenants (or none).
            "tenant_id": tenant_ids[0] if len(tenant_ids) == 1 else "",
            "tenant_ids": tenant_ids,
            "status": "completed",
            "accounts_removed": accounts_removed,
            "requested_at": datetime.now(UTC),
        }
    )
    return code


async def get_deletion(db: Db, code: str) -> dict[str, Any] | None:
    return await db.facebook_deletions.find_one({"_id": code}, {"status": 1, "accounts_removed": 1, "requested_at": 1})
