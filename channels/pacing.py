"""Per-account send pacing at Meta's documented limits, shared by every worker through Redis.

Each channel states its limits (`send_limits`: per account, for text and for audio or video). Each account (and kind of message) has a schedule in Redis (a generic cell rate
algorithm): every send reserves the next slot and waits for it, so workers on any number of machines together keep
to the limit without polling. A rate-limit answer from Meta halves the account's rate for a while and pauses its
sends for the backoff, for every worker at once.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import redis.asyncio as aioredis

from channels.channel import SendKind
from channels.outbound import SendRequest
from channels.registry import channel_for_platform

# For a platform no channel has (an account a later version connected): the lowest of Meta's limits.
DEFAULT_LIMIT = 10
# A tenth of the limit may go at once; the rest is spaced so that no second ever holds more than the limit.
BURST_SHARE = 0.1
# How long a rate-limit answer keeps an account at its reduced rate.
SLOWED_FOR_S = 60
MIN_RATE = 1.0
_MEDIA_TYPES = frozenset({"audio", "video"})


def send_kind(request: SendRequest) -> SendKind:
    """Audio and video have their own, lower limit on Messenger and Instagram."""
    body = request.body
    attachment = (body.get("message") or {}).get("attachment") if isinstance(body.get("message"), dict) else None
    if isinstance(attachment, dict) and attachment.get("type") in _MEDIA_TYPES:
        return "media"
    return "media" if body.get("type") in _MEDIA_TYPES else "text"


def limit_for(platform: str, kind: SendKind) -> int:
    """Calls per second Meta allows an account of this platform, for this kind of message (the channel says)."""
    try:
        return channel_for_platform(platform).send_limits.of(kind)
    except KeyError:
        return DEFAULT_LIMIT


@dataclass(frozen=True)
class Schedule:
    """How one account's sends are spaced: `rate` a second on average, `burst` of them back to back."""

    rate: float
    burst: int


def schedule_for(limit: float) -> Schedule:
    """Steady rate and burst that together never put more than `limit` sends in any one second."""
    burst = max(1, int(limit * BURST_SHARE))
    return Schedule(rate=max(MIN_RATE, limit - burst) if limit > 1 else limit, burst=burst)


def slowed_rate(current: float, limit: float) -> float:
    """The rate after Meta said "too many": half of what it was, never below one a second."""
    return max(MIN_RATE, min(current, limit) / 2)


# Reserve the next slot of an account's schedule; the wait (ms) until it. KEYS: schedule, slowed rate. ARGV: rate
# per second, burst. The theoretical arrival time (TAT) of the next send moves one period per reserved slot.
_RESERVE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
local rate = tonumber(redis.call('GET', KEYS[2]) or ARGV[1])
local period = 1000 / rate
local tau = period * (tonumber(ARGV[2]) - 1)
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
if tat < now then tat = now end
local wait = tat - tau - now
if wait < 0 then wait = 0 end
local after = tat + period
redis.call('SET', KEYS[1], tostring(after), 'PX', math.ceil(after - now) + 1000)
return tostring(wait)
"""

# Push an account's schedule at least `pause` ms into the future: every worker waits out Meta's backoff.
_PAUSE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
local resume = now + tonumber(ARGV[1])
if tat < resume then
  redis.call('SET', KEYS[1], tostring(resume), 'PX', math.ceil(tonumber(ARGV[1])) + 1000)
end
return 1
"""


class SendPacer:
    def __init__(self, redis: aioredis.Redis, *, sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep) -> None:
        self._redis = redis
        self._sleep = sleep
        self._reserve: Any = redis.register_script(_RESERVE)
        self._pause: Any = redis.register_script(_PAUSE)

    def for_send(self, platform: str, account_id: str, request: SendRequest) -> AccountPace:
        return AccountPace(self, platform, account_id, send_kind(request))

    async def wait_for_slot(self, platform: str, account_id: str, kind: SendKind = "text") -> float:
        """Reserve this account's next send slot and wait for it; the seconds waited."""
        limit = limit_for(platform, kind)
        schedule = schedule_for(limit)
        keys = _keys(platform, account_id, kind)
        wait_ms = float(await self._reserve(keys=keys, args=[schedule.rate, schedule.burst]))
        if wait_ms > 0:
            await self._sleep(wait_ms / 1000)
        return wait_ms / 1000

    async def slow_down(self, platform: str, account_id: str, kind: SendKind, pause_s: float) -> float:
        """Meta answered with a rate limit: halve the account's rate for a while and pause its sends for `pause_s`.
        The new rate a second."""
        schedule_key, rate_key = _keys(platform, account_id, kind)
        limit = limit_for(platform, kind)
        current = float(await self._redis.get(rate_key) or schedule_for(limit).rate)
        rate = slowed_rate(current, limit)
        await self._redis.set(rate_key, str(rate), ex=SLOWED_FOR_S)
        if pause_s > 0:
            await self._pause(keys=[schedule_key], args=[pause_s * 1000])
        return rate


def _keys(platform: str, account_id: str, kind: SendKind) -> list[str]:
    base = f"pace:{platform}:{account_id}:{kind}"
    return [base, base + ":slowed"]


@dataclass(frozen=True)
class AccountPace:
    """One send's pacing: what the Graph client calls before each attempt and on a rate-limit answer."""

    pacer: SendPacer
    platform: str
    account_id: str
    kind: SendKind

    async def wait_for_slot(self) -> None:
        await self.pacer.wait_for_slot(self.platform, self.account_id, self.kind)

    async def slow_down(self, pause_s: float) -> None:
        await self.pacer.slow_down(self.platform, self.account_id, self.kind, pause_s)
