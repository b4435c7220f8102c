"""What a failure while handling a delivery means, from the exception alone.

* A store outage (MongoDB or Redis unreachable, Redis still loading its data) says nothing about the delivery:
  it is retried with backoff and costs none of its dead-letter attempts.
* A bad event (data no store or calendar accepts) cannot get better with retries: that event is dropped with a
  log line and a counter, and the rest of its delivery is handled as usual.
* Anything else fails the delivery, which is retried and, after its attempts, dead-lettered for an operator.
"""

from __future__ import annotations

import random
from collections.abc import Callable

from bson.errors import BSONError
from pymongo.errors import ConnectionFailure
from redis.exceptions import BusyLoadingError
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

# ConnectionFailure covers AutoReconnect, NetworkTimeout and ServerSelectionTimeoutError.
_OUTAGES: tuple[type[BaseException], ...] = (ConnectionFailure, RedisConnectionError, RedisTimeoutError, BusyLoadingError)
_BAD_DATA: tuple[type[BaseException], ...] = (ValueError, OverflowError, BSONError)


def is_store_outage(exc: BaseException) -> bool:
    """The failure is a store that could not be reached (also when it is the cause of another exception)."""
    seen = 0
    current: BaseException | None = exc
    while current is not None and seen < 5:
        if isinstance(current, _OUTAGES):
            return True
        current, seen = current.__cause__, seen + 1
    return False


def is_bad_event(exc: BaseException) -> bool:
    """The failure comes from the event's own data (a time out of range, text no store can encode, ...)."""
    return isinstance(exc, _BAD_DATA) and not is_store_outage(exc)


class OutageBackoff:
    """Delays between retries while a store is down: growing from `first_s` to `max_s`, with jitter so that
    many waiting deliveries do not all come back in the same instant."""

    def __init__(self, *, first_s: float = 0.25, max_s: float = 5.0, jitter: Callable[[], float] = random.random) -> None:
        self._next = first_s
        self._max = max_s
        self._jitter = jitter

    def next_delay(self) -> float:
        delay = self._next
        self._next = min(self._max, self._next * 2)
        return delay * (0.5 + self._jitter() / 2)
