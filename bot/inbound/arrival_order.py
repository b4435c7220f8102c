"""A customer's replies go out in the order of their messages, however many workers share the stream.

Two deliveries of one customer can be handled by two workers at once, and a worker that dies holding the older one
leaves it to be claimed 15 s later: without care, the newer message would be answered first and the older one
after it. So the web process notes, with each accepted delivery, which customers wrote in it and when their first
message of it was written (a sorted set per customer: the delivery's body key, scored by that time). Before a
turn, a worker waits while another delivery of the same customer with an older message is still unfinished (its
body still exists: the acknowledgement and the dead letter delete it). When that delivery is handled, its turn
answers the older message and every newer one already stored, in order, and this turn finds nothing left.

The wait has an end (`PATIENCE_S`): a delivery stuck for longer (a store outage, say) must not hold every later
message of its customer back; the later turn then goes ahead, out of order rather than late.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Iterable
from contextvars import ContextVar
from typing import cast

import redis.asyncio as aioredis

from channels.events import ChannelEvent, InboundMessage

log = logging.getLogger(__name__)

PREFIX = "order:"
KEEP_S = 24 * 3600  # a customer's set outlives any delivery it can still matter for
PATIENCE_S = 60.0

# The body key of the delivery the running task handles (set by the worker), so a turn never waits for its own.
current_body_key: ContextVar[str] = ContextVar("current_body_key", default="")


def order_key(platform: str, account_id: str, customer_id: str) -> str:
    return f"{PREFIX}{platform}:{account_id}:{customer_id}"


def writers(events: Iterable[ChannelEvent]) -> dict[str, int]:
    """Each customer who wrote in a delivery (their order key) and when their earliest message of it was written."""
    found: dict[str, int] = {}
    for event in events:
        if isinstance(event, InboundMessage):
            key = order_key(event.platform, event.account_id, event.customer_id)
            found[key] = min(found.get(key, event.timestamp_ms), event.timestamp_ms)
    return found


async def earlier_unfinished(redis: aioredis.Redis, key: str, own_body_key: str, written_at_ms: int) -> list[str]:
    """The body keys of this customer's other deliveries that hold a message written before `written_at_ms` and are
    not finished yet. Finished ones found on the way are dropped from the set."""
    # The client decodes replies: members come back as text.
    members = cast(list[str], await redis.zrangebyscore(key, "-inf", f"({written_at_ms}"))
    candidates = [member for member in members if member != own_body_key]
    if not candidates:
        return []
    async with redis.pipeline(transaction=False) as pipe:
        for member in candidates:
            pipe.exists(member)
        unfinished = [member for member, exists in zip(candidates, await pipe.execute(), strict=True) if exists]
    finished = [member for member in candidates if member not in unfinished]
    if finished:
        await redis.zrem(key, *finished)
    return unfinished


async def next_unfinished_after(redis: aioredis.Redis, key: str, own_body_key: str, written_at_ms: int) -> int | None:
    """When the earliest message is written among this customer's unfinished deliveries that hold only messages written
    after `written_at_ms` (None when there is none). A turn answers only messages written before it: a message of
    that delivery may not be stored yet, and what came after it waits for its turn."""
    found = cast(list[tuple[str, float]], await redis.zrangebyscore(key, f"({written_at_ms}", "+inf", withscores=True))
    later = [(member, score) for member, score in found if member != own_body_key]
    if not later:
        return None
    async with redis.pipeline(transaction=False) as pipe:
        for member, _ in later:
            pipe.exists(member)
        alive = await pipe.execute()
    scores = [int(score) for (_, score), exists in zip(later, alive, strict=True) if exists]
    return min(scores) if scores else None


async def wait_for_earlier(
    redis: aioredis.Redis,
    key: str,
    written_at_ms: int,
    *,
    patience_s: float = PATIENCE_S,
    keep_waiting: Callable[[], bool] = lambda: True,
) -> float:
    """Wait until no older message of this customer is left in an unfinished delivery; the seconds waited."""
    own = current_body_key.get()
    started = time.monotonic()
    pause = 0.05
    while await earlier_unfinished(redis, key, own, written_at_ms):
        if not keep_waiting():
            break  # the process is stopping: the turn gate decides what still runs
        waited = time.monotonic() - started
        if waited >= patience_s:
            log.warning(
                "an older message of the customer is still unfinished; answering without it", extra={"waited_s": round(waited, 1)}
            )
            break
        await asyncio.sleep(pause)
        pause = min(pause * 2, 0.25)  # the older delivery usually ends within a turn's time: look again soon
    return time.monotonic() - started
