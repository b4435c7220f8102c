"""The tenant's knowledge version: one counter per tenant that moves on every profile, document or campaign
change, so every process can tell whether its in-memory index of that tenant is still current."""

from __future__ import annotations

from knowledge.db import Db
from knowledge.store import VERSIONS


async def bump_version(db: Db, tenant_id: str) -> None:
    """Move the tenant's version on; call it after the change itself is written."""
    await db[VERSIONS].update_one({"_id": tenant_id}, {"$inc": {"version": 1}, "$set": {"tenant_id": tenant_id}}, upsert=True)


async def current_version(db: Db, tenant_id: str) -> int:
    """The tenant's version; 0 before its first change."""
    doc = await db[VERSIONS].find_one({"_id": tenant_id}, {"version": 1})
    return int(doc["version"]) if doc else 0
