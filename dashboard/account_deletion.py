"""Deleting a business's account: its channels disconnected from Meta first, then every package's data.

Each package that stores tenant data names it in its `store.delete_tenant_data(db, tenant_id)`; a package
that adds a collection adds it there. The owner and tenant documents go last, so a deletion cut short can be
asked for again with the same password.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from pymongo.asynchronous.database import AsyncDatabase

import bot.conversations.store
import bot.evaluation.store
import bot.sales.store
import channels.store
import dashboard.store
import knowledge.store
from bot.runtime.services import Services
from channels.accounts import list_accounts
from dashboard.api.channels import disconnect_channel
from dashboard.revocation import end_business_access

log = logging.getLogger(__name__)

TenantDataDeleter = Callable[[AsyncDatabase, str], Awaitable[int]]

# Order: the knowledge and the conversations first, the owner side (owners, tokens, the tenant) last.
TENANT_DATA: tuple[TenantDataDeleter, ...] = (
    knowledge.store.delete_tenant_data,
    bot.conversations.store.delete_tenant_data,
    bot.sales.store.delete_tenant_data,
    bot.evaluation.store.delete_tenant_data,
    channels.store.delete_tenant_data,
    dashboard.store.delete_tenant_data,
)
# Redis keys that hold one tenant's data for a while (the playground's chats, the last test-question run).
TENANT_REDIS_PATTERNS = ("playground:{tenant}:*", "quality-run:{tenant}:*")


@dataclass(frozen=True)
class DeletedAccount:
    channels_disconnected: int
    records_removed: int


async def delete_account(p: Services, tenant_id: str, owner_id: str) -> DeletedAccount:
    # Every session and token ends first: open pages stop receiving before anything slower runs.
    ended = await end_business_access(p.db, p.redis, tenant_id)
    disconnected = 0
    for account in await list_accounts(p.db, tenant_id):
        disconnected += int(await disconnect_channel(p, tenant_id, account))
    removed = ended.tokens
    for delete_tenant_data in TENANT_DATA:
        removed += await delete_tenant_data(p.db, tenant_id)
    for pattern in TENANT_REDIS_PATTERNS:
        keys = [key async for key in p.redis.scan_iter(match=pattern.format(tenant=tenant_id), count=500)]
        if keys:
            await p.redis.delete(*keys)
    log.info("account deleted", extra={"tenant": tenant_id, "channels": disconnected, "records": removed})
    return DeletedAccount(channels_disconnected=disconnected, records_removed=removed)
