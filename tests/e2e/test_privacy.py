"""What the platform keeps of customers' texts: nothing in Redis once a delivery is processed, and nothing at all
after the retention an operator set."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest

from bot.inbound.stream import compact_log
from tests.e2e.conftest import (
    PAGE_ID,
    conversation_of,
    eventually,
    messenger_text,
    post_webhook,
    remember_customer,
    seeded_tenant,
    settled,
)


async def _pending_is(redis, count: int) -> bool:
    groups = await redis.xinfo_groups("inbound")
    return sum(int(group["pending"]) for group in groups) == count


async def _keys_holding(redis, needle: str) -> list[str]:
    """Every key whose serialized value (DUMP: what Redis holds, deleted stream entries included) has `needle`."""
    found = []
    raw = redis.connection_pool.connection_kwargs.get("decode_responses")
    assert raw, "the fixture decodes responses; DUMP is read through a client that does not"
    import redis.asyncio as aioredis

    binary = aioredis.Redis(
        connection_pool=aioredis.ConnectionPool(**{**redis.connection_pool.connection_kwargs, "decode_responses": False})
    )
    try:
        async for key in binary.scan_iter(count=500):
            dumped = await binary.dump(key)
            if dumped and needle.encode() in dumped:
                found.append(key.decode())
    finally:
        await binary.aclose()
    return found


@pytest.fixture
async def plain_dumps(redis):
    """Redis compresses what DUMP and its files hold; a text kept would then not show as itself. Plain for a test."""
    before = (await redis.config_get("rdbcompression"))["rdbcompression"]
    await redis.config_set("rdbcompression", "no")
    yield
    await redis.config_set("rdbcompression", before)


@pytest.mark.usefixtures("plain_dumps")
async def test_processed_webhook_bodies_leave_no_customer_text_in_redis(platform_client, graph, redis, server_dir: Path):
    fake, _ = graph
    tenant = await seeded_tenant(platform_client)
    # One customer's turn is still running (its conversation's lock is taken) while the others are processed:
    # its delivery stays in the stream beside theirs, as a slow model call would keep it.
    await remember_customer(redis, "facebook", PAGE_ID, "PSID_SLOW")
    await post_webhook(platform_client, "messenger", messenger_text("hello", psid="PSID_SLOW"))
    await fake.wait_for_sends(1)
    slow = await eventually(lambda: conversation_of(platform_client, tenant, "PSID_SLOW"), what="the slow conversation")
    lock = redis.lock(f"lock:conversation:{slow['id']}", timeout=60)
    assert await lock.acquire()
    await post_webhook(platform_client, "messenger", messenger_text("and one more thing", psid="PSID_SLOW"))

    marker = f"secret-plan-{uuid.uuid4().hex[:10]}"
    customers = [f"PSID_PRIV{i}" for i in range(12)]
    for psid in customers:
        await remember_customer(redis, "facebook", PAGE_ID, psid)
        await post_webhook(platform_client, "messenger", messenger_text(f"my {marker} for {psid}, price?", psid=psid))
    await fake.wait_for_sends(1 + len(customers))
    await eventually(lambda: _pending_is(redis, 1), what="only the slow delivery pending")

    assert await _keys_holding(redis, marker) == []
    await lock.release()
    await settled(redis)
    if os.environ.get("REDIS_URL"):
        pytest.skip("the append-only file of a Redis not started by the tests is not on this disk")
    # On disk: the append-only file still holds the commands that wrote the bodies until it is rewritten.
    assert await compact_log(redis)

    async def rewritten() -> bool:
        info = await redis.info("persistence")
        return not info["aof_rewrite_in_progress"] and not info["aof_rewrite_scheduled"]

    await eventually(rewritten, what="the append-only file rewritten")
    holding = [str(path) for path in (server_dir / "redis").rglob("*") if path.is_file() and marker.encode() in path.read_bytes()]
    assert holding == []
