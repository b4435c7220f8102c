"""Named rate limits, counted in Redis by the `limits` library (sliding window counters).

Each count is one atomic Lua script on the server, so no key is ever left without its expiry. Handlers name
the limit and whose count it is:

    await enforce(request, PLAYGROUND_PER_TENANT, tenant_id(request))      # 429 with Retry-After once over

Login failures are counted per client address and per account *and* address, never per account alone: a
stranger guessing at an owner's password is stopped at their own address and never locks the owner out.

A limit that guards a secret takes its slot (`hit`) *before* the password is verified: testing first and
counting after would let a burst of requests all pass the test before any of them is counted. A check that
succeeds gives its slot back (`release`) or clears the count, as the limit's rule says.
"""

from __future__ import annotations

import hashlib
import ipaddress
import math
import time
from dataclasses import dataclass

import redis.asyncio as aioredis
from aiohttp import web
from limits import RateLimitItem, parse
from limits.aio.storage import RedisStorage
from limits.aio.strategies import SlidingWindowCounterRateLimiter

from bot.runtime.host import SETTINGS
from knowledge.domain_errors import Refused

KEY_PREFIX = "ratelimit"


@dataclass(frozen=True)
class NamedLimit:
    """A rate (`limits` notation, e.g. "30/minute") under a name, which is also the kind of the refusal once it is
    spent (what the caller is told is in `dashboard/error_table.py`)."""

    name: str
    rate: RateLimitItem


def limit(name: str, rate: str) -> NamedLimit:
    return NamedLimit(name=name, rate=parse(rate))


LOGIN_FAILURES_PER_ADDRESS = limit("login-fail-address", "30/15 minutes")
LOGIN_FAILURES_PER_ACCOUNT_AND_ADDRESS = limit("login-fail-account", "5/15 minutes")
SIGNUPS_PER_ADDRESS = limit("signup-address", "10/hour")
PASSWORD_FAILURES_PER_OWNER = limit("password-fail-owner", "5/15 minutes")
PLAYGROUND_PER_TENANT = limit("playground", "30/minute")
LEO_PER_OWNER = limit("leo", "20/minute")


def hashed(value: str) -> str:
    """A key part for personal data (an email): Redis then holds no list of the addresses people tried."""
    return hashlib.sha256(value.encode()).hexdigest()[:32]


class RateLimiter:
    def __init__(self, storage: RedisStorage) -> None:
        self._window = SlidingWindowCounterRateLimiter(storage)

    @classmethod
    def on(cls, redis: aioredis.Redis) -> RateLimiter:
        """A limiter counting in this client's Redis, through its connection pool."""
        storage = RedisStorage(
            "async+redis://",
            implementation="redispy",
            key_prefix=KEY_PREFIX,
            connection_pool=redis.connection_pool,  # type: ignore[arg-type]  # limits types its options loosely
        )
        return cls(storage)

    async def retry_after(self, limit: NamedLimit, *key: str) -> int:
        stats = await self._window.get_window_stats(limit.rate, limit.name, *key)
        return max(1, math.ceil(stats.reset_time - time.time()))

    async def _refuse(self, limit: NamedLimit, *key: str) -> Refused:
        return Refused(limit.name, retry_after=await self.retry_after(limit, *key))

    async def hit(self, limit: NamedLimit, *key: str) -> None:
        """Take one slot of the limit, or raise 429 (with Retry-After) when none is left: the test and the count
        are one script in Redis, so of any number of concurrent hits at most the limit's amount get through."""
        if not await self._window.hit(limit.rate, limit.name, *key):
            raise await self._refuse(limit, *key)

    async def release(self, limit: NamedLimit, *key: str) -> None:
        """Give back a slot taken by `hit` (the attempt it guarded turned out not to count, e.g. a login that
        succeeded). The same atomic script with a cost of -1: it lowers the current window's count by one."""
        await self._window.hit(limit.rate, limit.name, *key, cost=-1)

    async def clear(self, limit: NamedLimit, *key: str) -> None:
        await self._window.clear(limit.rate, limit.name, *key)


RATE_LIMITER = web.AppKey("rate_limiter", RateLimiter)


async def enforce(request: web.Request, limit: NamedLimit, *key: str) -> None:
    """Count this request against `limit` for `key` (a tenant id, an address…); 429 with Retry-After when over."""
    await limiter(request).hit(limit, *key)


def limiter(request: web.Request) -> RateLimiter:
    return request.app[RATE_LIMITER]


def client_address(request: web.Request) -> str:
    """The caller's address as rate limits count it: behind TRUSTED_PROXY_HOPS proxies, the one they saw;
    an IPv6 address stands for its /64, which one subscriber usually holds whole."""
    hops = request.app[SETTINGS].trusted_proxy_hops
    address = request.remote or ""
    if hops:
        forwarded = [part.strip() for part in ",".join(request.headers.getall("X-Forwarded-For", [])).split(",") if part.strip()]
        if len(forwarded) >= hops:
            address = forwarded[-hops]
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address[:64] or "unknown"
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)
