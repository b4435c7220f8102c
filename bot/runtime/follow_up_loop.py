"""Each worker process runs the follow-ups' scheduler beside its queue worker (`bot/follow_ups/scheduler.py`).

The scheduler starts once the process has loaded its language models (`after`): while that thread holds the
interpreter the process answers slowly, and a nudge it claimed then would wait for it while other workers could
have sent it on time. Customers' messages do not wait for the models; a nudge is due at a minute, not a second.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable
from contextlib import asynccontextmanager, suppress

from bot.follow_ups.scheduler import run_scheduler
from bot.runtime.engine import Engine
from bot.runtime.services import Services


@asynccontextmanager
async def follow_ups_running(
    services: Services, engine: Engine, *, after: Awaitable[object] | None = None
) -> AsyncIterator[None]:
    stopping = asyncio.Event()
    scheduling = asyncio.Event()

    async def run() -> None:
        if after is not None:
            with suppress(Exception):  # a model that failed to load is the worker's to report, not the nudges'
                await asyncio.shield(after)
        scheduling.set()
        await run_scheduler(engine.follow_ups, services.db, services.clock, stopping)

    task = asyncio.create_task(run(), name="follow-ups")
    try:
        yield
    finally:
        stopping.set()
        if not scheduling.is_set():
            task.cancel()  # stopped before the models loaded: nothing was claimed yet
        with suppress(asyncio.CancelledError):
            await task
