"""Each worker process runs the follow-ups' scheduler beside its queue worker (`bot/follow_ups/scheduler.py`)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from bot.follow_ups.scheduler import run_scheduler
from bot.runtime.engine import Engine
from bot.runtime.services import Services


@asynccontextmanager
async def follow_ups_running(services: Services, engine: Engine) -> AsyncIterator[None]:
    stopping = asyncio.Event()
    task = asyncio.create_task(run_scheduler(engine.follow_ups, services.db, services.clock, stopping), name="follow-ups")
    try:
        yield
    finally:
        stopping.set()
        await task
