"""Chores every worker process offers and exactly one runs per interval, whichever gets there first (a Redis key
with the interval as its lifetime decides): rewriting Redis's append-only file so processed bodies leave the disk,
purging messages past the retention an operator set, checking connected accounts' tokens with Meta, and sending
the Conversions API events and outbound webhooks that are due."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta

import redis.asyncio as aioredis

from bot.clock import Clock
from bot.conversations.messages import purge_messages_before
from bot.conversations.voice_clips import delete_clips_before
from bot.inbound.stream import compact_log
from bot.outbound_webhooks.delivery import deliver_due, forget_delivered
from bot.runtime.services import Services
from bot.sales.conversions_api import send_due_events
from bot.sales.leads import tell_crm_left_over
from channels.account_check import recheck_accounts
from channels.crypto import TokenCipher
from channels.graph import GraphClient
from knowledge.db import Db

log = logging.getLogger(__name__)

COMPACT_EVERY_S = 60
PURGE_EVERY_S = 3600
RECHECK_TOKENS_EVERY_S = 6 * 3600
# Conversions API events wait in MongoDB (`capi_events`) until one process's chore sends them.
SEND_CONVERSIONS_EVERY_S = 5
# Outbound webhooks wait in MongoDB (`webhook_deliveries`) the same way.
DELIVER_WEBHOOKS_EVERY_S = 5


@dataclass(frozen=True)
class Chore:
    name: str
    every_s: int
    run: Callable[[], Awaitable[object]]


def retention_chore(db: Db, clock: Clock, retention_days: int) -> Chore | None:
    """Messages older than `retention_days` go (None when the setting is 0: kept)."""
    if retention_days <= 0:
        return None

    async def purge() -> int:
        cutoff = clock.now() - timedelta(days=retention_days)
        deleted = await purge_messages_before(db, cutoff)
        # A voice note's recording goes with its message's words.
        deleted += await delete_clips_before(db, cutoff)
        log.info("messages past their retention purged", extra={"deleted": deleted, "days": retention_days})
        return deleted

    return Chore("purge-messages", PURGE_EVERY_S, purge)


def compaction_chore(redis: aioredis.Redis) -> Chore:
    return Chore("compact-redis-log", COMPACT_EVERY_S, lambda: compact_log(redis))


def token_chore(db: Db, cipher: TokenCipher, graph: GraphClient) -> Chore:
    """Connected accounts whose token died are marked `needs_reconnect` before a customer's reply fails on it."""
    return Chore("recheck-tokens", RECHECK_TOKENS_EVERY_S, lambda: recheck_accounts(db, cipher, graph))


def conversions_chore(db: Db, cipher: TokenCipher, graph: GraphClient, clock: Clock) -> Chore:
    """Leads and sales of ad conversations are told to Meta; failures wait their turn to be tried again. One try
    per round: the outbox's own backoff retries, so a failing Meta never holds the other chores for long."""
    once = GraphClient(graph.session, graph.base_url, max_attempts=1, timeout_s=graph.timeout.total or 10)
    return Chore("send-conversion-events", SEND_CONVERSIONS_EVERY_S, lambda: send_due_events(db, cipher, once, clock.now()))


def webhooks_chore(services: Services) -> Chore:
    """Events for the owners' CRMs go out; failures wait their turn (`bot/outbound_webhooks/delivery.py`). Lead
    events a process stored with its write but died before handing over are handed over first."""
    s = services

    async def tell_crms() -> int:
        await tell_crm_left_over(s.db, s.clock.now())
        return await deliver_due(s.db, s.cipher, s.webhook_rules(), s.clock.now())

    return Chore("deliver-webhooks", DELIVER_WEBHOOKS_EVERY_S, tell_crms)


def delivered_webhooks_chore(db: Db, clock: Clock) -> Chore:
    """The outbox keeps a week of delivered events (ids only), then forgets them."""
    return Chore("forget-delivered-webhooks", PURGE_EVERY_S, lambda: forget_delivered(db, clock.now()))


async def run_due(redis: aioredis.Redis, chores: list[Chore]) -> list[str]:
    """Run each chore no process ran within its interval; the names of those run here."""
    ran: list[str] = []
    for chore in chores:
        if not await redis.set(f"chore:{chore.name}", str(os.getpid()), nx=True, ex=chore.every_s):
            continue
        try:
            await chore.run()
        except Exception:
            log.warning("chore failed; it runs again next interval", extra={"chore": chore.name}, exc_info=True)
        ran.append(chore.name)
    return ran


async def run_chores(redis: aioredis.Redis, chores: list[Chore], stopping: asyncio.Event, *, tick_s: float = 5.0) -> None:
    """Run due chores until `stopping` is set."""
    while not stopping.is_set():
        try:
            await run_due(redis, chores)
        except Exception as exc:  # noqa: BLE001 # Redis unreachable: try again next tick
            log.warning("chores not run", extra={"error_type": type(exc).__name__})
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(stopping.wait(), tick_s)


def build_chores(services: Services) -> list[Chore]:
    s = services
    chores = [
        compaction_chore(s.redis),
        token_chore(s.db, s.cipher, s.graph),
        conversions_chore(s.db, s.cipher, s.graph, s.clock),
        webhooks_chore(s),
        delivered_webhooks_chore(s.db, s.clock),
    ]
    if purge := retention_chore(s.db, s.clock, s.settings.message_retention_days):
        chores.append(purge)
    return chores


@contextlib.asynccontextmanager
async def chores_running(services: Services) -> AsyncIterator[None]:
    """The process's chores run in the background while the block runs."""
    stopping = asyncio.Event()
    task = asyncio.create_task(run_chores(services.redis, build_chores(services), stopping), name="chores")
    try:
        yield
    finally:
        stopping.set()
        await task
