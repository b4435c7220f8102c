"""Everything a process opens once and closes on the way out: stores, HTTP client, caches, metrics.

`open_services` is used by `serve` (inside the web app's cleanup context) and by `worker` alone, so both run
the same code against the same servers. The domain never receives this object: `engine.build_engine` hands each
part only what it uses.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import redis.asyncio as aioredis
from prometheus_client import CollectorRegistry
from pymongo import AsyncMongoClient
from redis.asyncio.retry import Retry
from redis.backoff import ExponentialBackoff
from redis.exceptions import BusyLoadingError
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from bot.clock import SYSTEM_CLOCK, Clock
from bot.metrics import Metrics
from bot.outbound_webhooks.transport import SYSTEM_DNS, DeliveryRules, HostResolver
from bot.runtime.indexes import ensure_all_indexes
from bot.runtime.servers import ServerAddresses, resolve_servers
from bot.runtime.settings import Settings
from channels.crypto import TokenCipher
from channels.graph import GraphClient
from knowledge.db import Db
from knowledge.retrieval import KnowledgeIndex

log = logging.getLogger(__name__)

# The worker runs up to WORKER_CONCURRENCY deliveries at once (64 by default; each may take a few connections
# while others rest in their debounce window); the web side needs a few more.
REDIS_CONNECTIONS = 400
# A Redis restarted with a large append-only file answers LOADING until it has read it all.
REDIS_LOADING_WAIT_S = 300.0


async def wait_until_loaded(
    redis: aioredis.Redis, *, timeout_s: float = REDIS_LOADING_WAIT_S, sleep: Callable[[float], Awaitable[object]] = asyncio.sleep
) -> None:
    """Return once Redis answers (not LOADING); BusyLoadingError if it is still loading after `timeout_s`."""
    deadline = time.monotonic() + timeout_s
    told = False
    while True:
        try:
            await redis.ping()
            return
        except BusyLoadingError:
            if time.monotonic() >= deadline:
                raise
            if not told:
                log.info("Redis is loading its data; waiting for it")
                told = True
            await sleep(0.1)


@dataclass
class Services:
    settings: Settings
    servers: ServerAddresses
    mongo: AsyncMongoClient[dict[str, Any]]
    db: Db
    redis: aioredis.Redis
    http: aiohttp.ClientSession
    graph: GraphClient
    cipher: TokenCipher
    knowledge: KnowledgeIndex
    metrics: Metrics
    registry: CollectorRegistry = field(default_factory=CollectorRegistry)
    clock: Clock = SYSTEM_CLOCK
    # How outbound webhooks find their receivers' addresses (tests answer with their own).
    dns: HostResolver = SYSTEM_DNS

    def webhook_rules(self) -> DeliveryRules:
        return DeliveryRules(
            self.dns,
            allow_private=self.settings.outbound_webhooks_allow_private,
            require_https=self.settings.webhooks_need_https,
        )


@asynccontextmanager
async def open_services(settings: Settings, *, may_start_servers: bool = True) -> AsyncIterator[Services]:
    async with AsyncExitStack() as stack:
        servers = await resolve_servers(settings, stack, may_start=may_start_servers)
        mongo: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(
            servers.mongodb_uri, tz_aware=True, serverSelectionTimeoutMS=5000
        )
        stack.push_async_callback(mongo.close)
        db = mongo[settings.mongodb_db]
        # A blocking pool: a burst waits for a free connection instead of failing with "Too many connections".
        # A pooled connection to a Redis that restarted is dead: such a command is tried again on a new one.
        pool = aioredis.BlockingConnectionPool.from_url(
            servers.redis_url,
            decode_responses=True,
            max_connections=REDIS_CONNECTIONS,
            timeout=10,
            health_check_interval=30,
            retry=Retry(ExponentialBackoff(cap=1.0, base=0.05), 3),
            retry_on_error=[RedisConnectionError, RedisTimeoutError],
        )
        redis = aioredis.Redis.from_pool(pool)
        stack.push_async_callback(redis.aclose)
        await wait_until_loaded(redis)
        http = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30))
        stack.push_async_callback(http.close)
        await ensure_all_indexes(db)
        registry = CollectorRegistry()
        yield Services(
            settings=settings,
            servers=servers,
            mongo=mongo,
            db=db,
            redis=redis,
            http=http,
            graph=GraphClient(http, settings.graph_base),
            cipher=TokenCipher(settings.secret_key),
            knowledge=KnowledgeIndex(),
            metrics=Metrics(registry),
            registry=registry,
        )
