"""What a failure while handling one event of a delivery means, from the exception alone.

* A store outage (see `bot/outages.py`) says nothing about the event: the delivery is tried again.
* A bad event (data no store or calendar accepts) cannot get better with retries: that event is dropped with a
  log line and a counter, and the rest of its delivery is handled as usual.
* Anything else fails the delivery, which is retried and, after its attempts, dead-lettered for an operator.
"""

from __future__ import annotations

from bson.errors import BSONError

from bot.outages import is_store_outage

__all__ = ["is_bad_event", "is_store_outage"]

_BAD_DATA: tuple[type[BaseException], ...] = (ValueError, OverflowError, BSONError)


def is_bad_event(exc: BaseException) -> bool:
    """The failure comes from the event's own data (a time out of range, text no store can encode, ...)."""
    return isinstance(exc, _BAD_DATA) and not is_store_outage(exc)
