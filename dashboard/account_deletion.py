"""Deleting a business's account: everyone's sessions and tokens end, its channels are disconnected from Meta,
then every package's data goes, and every Redis key of the business.

Each package that stores tenant data names it in its `store.delete_tenant_data(db, tenant_id)`; a package
that adds a collection adds it there. The owner and tenant documents go last, so a deletion cut short can be
asked for again with the same password. Redis keys are found by what names the business (`redis_erasure.py`).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import redis.asyncio as aioredis

import bot.conversations.store
import bot.evaluation.store
import bot.outbound_webhooks.store
import bot.sales.store
import channels.store
import dashboard.leo.threads
import dashboard.store
import knowledge.store
from channels.accounts import list_accounts
from channels.crypto import TokenCipher
from channels.graph import GraphClient
from dashboard.api.channels import disconnect_channel
from dashboard.ratelimit import hashed
from dashboard.redis_erasure import BusinessMarks, erase_business_keys, forget_accounts_in_dead_letters
from dashboard.revocation import end_business_access
from knowledge.db import Db

log = logging.getLogger(__name__)

TenantDataDeleter = Callable[[Db, str], Awaitable[int]]

# Order: the knowledge and the conversations first, the owner side (owners, tokens, the tenant) last.
TENANT_DATA: tuple[TenantDataDeleter, ...] = (
    knowledge.store.delete_tenant_data,
    bot.conversations.store.delete_tenant_data,
    bot.sales.store.delete_tenant_data,
    bot.evaluation.store.delete_tenant_data,
    bot.outbound_webhooks.store.delete_tenant_data,
    channels.store.delete_tenant_data,
    dashboard.leo.threads.delete_tenant_data,
    dashboard.store.delete_tenant_data,
)


@dataclass(frozen=True)
class DeletedAccount:
    channels_disconnected: int
    records_removed: int


async def delete_account(
    db: Db, redis: aioredis.Redis, cipher: TokenCipher, graph: GraphClient, tenant_id: str
) -> DeletedAccount:
    # Read before anything goes: what names the business in Redis keys, and its people.
    accounts = await list_accounts(db, tenant_id)
    people = [doc async for doc in db.owners.find({"tenant_id": tenant_id}, {"_id": 1, "email": 1})]
    marks = BusinessMarks(
        tenant_id=tenant_id,
        people=tuple(mark for doc in people for mark in (str(doc["_id"]), hashed(str(doc.get("email", "")))) if mark),
        accounts=frozenset(account.account_id for account in accounts),
    )
    # Every session and token ends first: open pages stop receiving before anything slower runs.
    ended = await end_business_access(db, redis, tenant_id)
    disconnected = 0
    for account in accounts:
        disconnected += int(await disconnect_channel(db, cipher, graph, tenant_id, account))
    removed = ended.tokens
    for delete_tenant_data in TENANT_DATA:
        removed += await delete_tenant_data(db, tenant_id)
    keys = await erase_business_keys(redis, marks)
    for old, new in (await forget_accounts_in_dead_letters(redis, marks.accounts)).items():
        # A dead letter shared with another business was written again under a new id: its conversations follow.
        await db.conversations.update_many(
            {"deadletter_id": old}, {"$set": {"deadletter_id": new}} if new else {"$unset": {"deadletter_id": ""}}
        )
    log.info("account deleted", extra={"tenant": tenant_id, "channels": disconnected, "records": removed, "keys": keys})
    return DeletedAccount(channels_disconnected=disconnected, records_removed=removed)
