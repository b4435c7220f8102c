"""The collection the channels own: `channel_accounts` (connected pages, Instagram accounts and WhatsApp numbers,
tokens encrypted), kept by `channels.accounts`."""

from __future__ import annotations

from channels.accounts import COLLECTION
from knowledge.db import Db


async def delete_tenant_data(db: Db, tenant_id: str) -> int:
    """Remove the tenant's connected accounts (a deleted account). Unsubscribing their pages from Meta is the
    caller's part, done first, while the tokens are still here."""
    return int((await db[COLLECTION].delete_many({"tenant_id": tenant_id})).deleted_count)
