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
from dataclasses import dataclass
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


# One look at a customer's set, in one command: how many other deliveries holding an older message are unfinished
# (their body still exists; finished ones are dropped from the set on the way), and when the earliest message is
# written among the unfinished others holding only newer ones (false when none). The body keys it checks are the
# set's members, so they cannot be declared as KEYS: the script is for a single Redis, not a cluster.
# With a burst's debounce key and token (KEYS[2], ARGV[3]), it first checks that the token is still there: when a
# later message of the burst replaced it, that message's turn answers for all, and the script says so ({-1, false}).
# KEYS: the order key[, the debounce key]. ARGV: the turn's own body key, when its newest message was written (ms)[,
# the debounce token].
_LOOK = """
if #KEYS > 1 and redis.call('GET', KEYS[2]) ~= ARGV[3] then
  return {-1, false}
end
local own, cutoff = ARGV[1], tonumber(ARGV[2])
local members = redis.call('ZRANGE', KEYS[1], 0, -1, 'WITHSCORES')
local earlier, later = 0, false
for i = 1, #members, 2 do
  local member, score = members[i], tonumber(members[i + 1])
  if member ~= own then
    local unfinished = redis.call('EXISTS', member) == 1
    if score < cutoff then
      if unfinished then earlier = earlier + 1 else redis.call('ZREM', KEYS[1], member) end
    elseif score > cutoff and unfinished and (not later or score < later) then
      later = score
    end
  end
end
return {earlier, later}
"""


@dataclass(frozen=True)
class Standing:
    """Where a turn stands among its customer's deliveries."""

    earlier_unfinished: int  # other deliveries with an older message, still unfinished
    next_unfinished_after_ms: int | None  # the earliest message of the unfinished ones holding only newer messages
    superseded: bool = False  # a later message of the burst answers for this one (nothing else was looked at)


@dataclass(frozen=True)
class OrderWait:
    seconds: float  # how long the turn waited for older messages
    answer_before_ms: int | None  # messages written from then on are left for a later turn
    superseded: bool = False  # a later message of the burst answers for this one: no turn here


async def look(
    redis: aioredis.Redis, key: str, own_body_key: str, written_at_ms: int, *, burst: tuple[str, str] | None = None
) -> Standing:
    """The customer's other deliveries as they stand now, in one round trip. `burst`: the debounce key and token
    this delivery set, checked in the same round trip (see `bursts`)."""
    script = redis.register_script(_LOOK)  # only hashes the text; the call loads it if Redis does not have it
    keys: list[str] = [key]
    args: list[str | int] = [own_body_key, written_at_ms]
    if burst is not None:
        keys.append(burst[0])
        args.append(burst[1])
    earlier, later = cast(list[int | None], await script(keys=keys, args=args))
    if earlier == -1:
        return Standing(0, None, superseded=True)
    return Standing(int(earlier or 0), int(later) if later else None)


async def next_unfinished_after(redis: aioredis.Redis, key: str, own_body_key: str, written_at_ms: int) -> int | None:
    """When the earliest message is written among this customer's unfinished deliveries that hold only messages written
    after `written_at_ms` (None when there is none). A turn answers only messages written before it: a message of
    that delivery may not be stored yet, and what came after it waits for its turn."""
    return (await look(redis, key, own_body_key, written_at_ms)).next_unfinished_after_ms


async def wait_in_order(
    redis: aioredis.Redis,
    key: str,
    written_at_ms: int,
    *,
    patience_s: float = PATIENCE_S,
    keep_waiting: Callable[[], bool] = lambda: True,
    burst: tuple[str, str] | None = None,
) -> OrderWait:
    """Wait until no older message of this customer is left in an unfinished delivery; how long that took, and
    which messages the turn may answer (as the last look found them). `burst`: see `look` (checked once, first)."""
    own = current_body_key.get()
    started = time.monotonic()
    pause = 0.05
    standing = await look(redis, key, own, written_at_ms, burst=burst)
    if standing.superseded:
        return OrderWait(time.monotonic() - started, None, superseded=True)
    while standing.earlier_unfinished:
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
        standing = await look(redis, key, own, written_at_ms)
    return OrderWait(time.monotonic() - started, standing.next_unfinished_after_ms)
