"""MongoDB or Redis out of reach: how to tell from an exception, and how to wait until they are back.

A store outage says nothing about the work that met it: that work is tried again once the store answers, and
costs none of a delivery's dead-letter attempts. `ride_out` is tenacity's retry loop with our own schedule. Embedded servers that die are restarted within seconds
(`bot/runtime/embedded.py`); a real server's outage lasts what it lasts.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable
from typing import TypeVar

from pymongo.errors import ConnectionFailure
from redis.exceptions import BusyLoadingError
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from tenacity import AsyncRetrying, RetryCallState, retry_if_exception

log = logging.getLogger(__name__)

T = TypeVar("T")

# ConnectionFailure covers AutoReconnect, NetworkTimeout and ServerSelectionTimeoutError; BusyLoadingError is a
# Redis still loading its data after a restart.
_OUTAGES: tuple[type[BaseException], ...] = (ConnectionFailure, RedisConnectionError, RedisTimeoutError, BusyLoadingError)


def is_store_outage(exc: BaseException) -> bool:
    """The failure is a store that could not be reached (also when it is the cause of another exception)."""
    current: BaseException | None = exc
    for _ in range(5):
        if current is None:
            return False
        if isinstance(current, _OUTAGES):
            return True
        current = current.__cause__
    return False


class OutageBackoff:
    """Delays between tries while a store is down: growing from `first_s` to `max_s`, with jitter so that many
    waiting deliveries do not all come back in the same instant."""

    def __init__(self, *, first_s: float = 0.25, max_s: float = 5.0, jitter: Callable[[], float] = random.random) -> None:
        self._next = first_s
        self._max = max_s
        self._jitter = jitter

    def next_delay(self) -> float:
        delay = self._next
        self._next = min(self._max, self._next * 2)
        return delay * (0.5 + self._jitter() / 2)


async def ride_out(
    call: Callable[[], Awaitable[T]],
    *,
    what: str,
    give_up: Callable[[], bool] = lambda: False,
    on_outage: Callable[[], object] = lambda: None,
) -> T:
    """`call()`, tried again with backoff for as long as it fails on a store outage (and `give_up()` is false)."""
    backoff = OutageBackoff()

    def worth_another_try(exc: BaseException) -> bool:
        return is_store_outage(exc) and not give_up()

    def before_waiting(state: RetryCallState) -> None:
        on_outage()
        error = state.outcome.exception() if state.outcome else None
        tries = state.attempt_number
        # One warning per piece of work; its further tries are counted in the metrics, not logged at WARNING.
        log.log(
            logging.WARNING if tries == 1 else logging.DEBUG,
            "store unreachable; trying again",
            extra={
                "what": what,
                "error_type": type(error).__name__,
                "delay_s": round(state.upcoming_sleep, 2),
                "tries": tries,
            },
        )

    retrying = AsyncRetrying(
        retry=retry_if_exception(worth_another_try),
        wait=lambda _state: backoff.next_delay(),
        # Looked up at each wait, so a test that replaces asyncio.sleep replaces it here too.
        sleep=lambda seconds: asyncio.sleep(seconds),
        before_sleep=before_waiting,
        reraise=True,
    )
    # The loop form, since `call` is often a lambda returning a coroutine, which tenacity's call form takes for a
    # plain function.
    async for attempt in retrying:
        with attempt:
            return await call()
    raise AssertionError("tenacity ends with an answer or an exception")  # pragma: no cover
