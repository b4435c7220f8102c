"""The loop every worker process runs: claim the nudges that are due (`plans.claim_due`) and send them.

Each tick reads the clock the engine was given, so a test moves the time instead of waiting. Several workers run
it side by side; the claim gives each due nudge to one of them.
"""

from __future__ import annotations

import asyncio
import logging

from bot.clock import Clock
from bot.follow_ups import plans
from bot.follow_ups.nudges import FollowUps, Lookups
from bot.outages import is_store_outage
from knowledge.db import Db

log = logging.getLogger(__name__)

TICK_S = 0.5
# Nudges of one claim sent side by side (each conversation's own send keeps its account's pace).
CONCURRENT_SENDS = 32


async def send_due_once(follow_ups: FollowUps, db: Db, clock: Clock, *, limit: int = 200) -> int:
    """Claim what is due now and send it; how many were claimed."""
    claimed = await plans.claim_due(db, clock.now(), limit=limit)
    gate = asyncio.Semaphore(CONCURRENT_SENDS)
    lookups = Lookups(db)

    async def one(due: plans.Due) -> None:
        async with gate:
            try:
                await follow_ups.send_due(due, lookups)
            except Exception:  # one nudge's failure never stops the others; its claim ends and it is tried again
                log.exception("follow-up failed; tried again when its claim ends")

    await asyncio.gather(*(one(due) for due in claimed))
    return len(claimed)


async def run_scheduler(
    follow_ups: FollowUps, db: Db, clock: Clock, stopping: asyncio.Event, *, tick_s: float = TICK_S, limit: int = 200
) -> None:
    while not stopping.is_set():
        claimed = 0
        try:
            claimed = await send_due_once(follow_ups, db, clock, limit=limit)
        except Exception as exc:
            if not is_store_outage(exc):
                log.exception("follow-up tick failed")
            else:
                log.warning("follow-ups wait for the store", extra={"error": type(exc).__name__})
        if claimed >= limit:
            continue  # more are due: no pause
        try:
            await asyncio.wait_for(stopping.wait(), tick_s)
        except TimeoutError:
            pass
