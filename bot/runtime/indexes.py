"""The start-up call that creates every package's indexes (each package declares its own)."""

from __future__ import annotations

import bot.conversations.store
import bot.evaluation.store
import bot.outbound_webhooks.store
import bot.sales.store
import channels.accounts
import knowledge.store
from knowledge.db import Db


async def ensure_all_indexes(db: Db) -> None:
    await knowledge.store.ensure_indexes(db)
    await channels.accounts.ensure_indexes(db)
    await bot.conversations.store.ensure_indexes(db)
    await bot.sales.store.ensure_indexes(db)
    await bot.evaluation.store.ensure_indexes(db)
    await bot.outbound_webhooks.store.ensure_indexes(db)
