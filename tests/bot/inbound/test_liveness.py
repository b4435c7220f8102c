"""A dead worker's deliveries are taken over as soon as its liveness key expired (its conversation locks are left
to expire); a live worker's (however long its turn) and an older worker's that never kept a key are left alone."""

from __future__ import annotations

import asyncio

import pytest
import redis.asyncio as aioredis

from bot.inbound import liveness
from bot.inbound.liveness import Consumer, dead_holding, forgotten
from bot.inbound.stream import InboundStream


def test_only_a_consumer_without_key_idle_for_the_keys_life_and_holding_something_is_dead() -> None:
    ttl = liveness.ALIVE_TTL_MS
    consumers = [
        Consumer("me", pending=3, idle_ms=ttl * 10),
        Consumer("dead", pending=2, idle_ms=ttl),
        Consumer("alive", pending=2, idle_ms=ttl * 10),  # its key is there: a slow turn, not a death
        Consumer("just-read", pending=2, idle_ms=ttl - 1),  # no key (an older worker) but touched the stream
        Consumer("empty", pending=0, idle_ms=ttl * 10),
    ]
    assert dead_holding(consumers, alive={"alive"}, me="me") == ["dead"]


def test_a_consumer_is_forgotten_only_when_empty_keyless_and_long_untouched() -> None:
    old = liveness.FORGET_AFTER_MS
    consumers = [
        Consumer("gone", pending=0, idle_ms=old),
        Consumer("holding", pending=1, idle_ms=old),
        Consumer("alive", pending=0, idle_ms=old),
        Consumer("recent", pending=0, idle_ms=old - 1),
        Consumer("me", pending=0, idle_ms=old),
    ]
    assert forgotten(consumers, alive={"alive"}, me="me") == ["gone"]


@pytest.fixture
def short_lives(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(liveness, "ALIVE_TTL_MS", 300)
    monkeypatch.setattr(liveness, "TAKE_OVER_IDLE_MS", 150)


async def queued(inbound: InboundStream, count: int) -> None:
    for i in range(count):
        await inbound.accept("messenger", b'{"object": "page", "entry": []}', i)


async def test_a_dead_workers_deliveries_are_taken_over_by_one_worker_a_live_ones_are_not(
    redis: aioredis.Redis,
    short_lives: None,  # noqa: ARG001 # shortens the key's life
) -> None:
    inbound = InboundStream(redis)
    await inbound.ensure_group()
    await queued(inbound, 2)
    await inbound.mark_alive("dead")
    await inbound.mark_alive("slow")
    dead_reads = await inbound.read("dead", count=1, block_ms=100)
    slow_reads = await inbound.read("slow", count=1, block_ms=100)
    held = redis.lock("lock:conversation:c-dead", timeout=60)
    assert await held.acquire()  # the dead worker's lock: it may have been only stalled, so it is not broken
    assert await inbound.take_over_dead("survivor") == []  # both keys alive

    await redis.delete(liveness.alive_key("dead"))  # its key expired
    for _ in range(20):  # "slow" keeps its key, as a live worker does however long its turn
        await inbound.mark_alive("slow")
        await asyncio.sleep(0.05)
    # Two workers sweep at once: the delivery is taken by one of them only.
    first, second = await asyncio.gather(inbound.take_over_dead("survivor"), inbound.take_over_dead("other"))
    taken = first + second

    assert [d.entry_id for d in taken] == [dead_reads[0].entry_id]
    survivor = "survivor" if first else "other"
    assert await held.owned()
    pending = await redis.xpending_range("inbound", "workers", "-", "+", 10)
    owners = {row["message_id"]: row["consumer"] for row in pending}
    assert owners == {dead_reads[0].entry_id: survivor, slow_reads[0].entry_id: "slow"}


async def test_an_older_worker_without_a_key_is_left_to_the_claim_idle_time_while_it_reads(
    redis: aioredis.Redis,
    short_lives: None,  # noqa: ARG001 # shortens the key's life
) -> None:
    inbound = InboundStream(redis)
    await inbound.ensure_group()
    await queued(inbound, 2)
    await inbound.read("older", count=1, block_ms=100)
    await asyncio.sleep(0.4)
    await inbound.read("older", count=1, block_ms=100)  # it still reads: not idle for the key's life
    assert await inbound.take_over_dead("survivor") == []


async def test_a_stopped_worker_says_so_and_a_long_dead_empty_one_is_forgotten(
    redis: aioredis.Redis,
    short_lives: None,  # noqa: ARG001 # shortens the key's life
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(liveness, "FORGET_AFTER_MS", 300)
    inbound = InboundStream(redis)
    await inbound.ensure_group()
    await queued(inbound, 1)
    await inbound.mark_alive("stopped")
    delivery = (await inbound.read("stopped", count=1, block_ms=100))[0]
    await inbound.ack(delivery)
    await inbound.mark_gone("stopped")
    assert await redis.exists(liveness.alive_key("stopped")) == 0
    await asyncio.sleep(0.4)
    await inbound.take_over_dead("survivor")
    assert [c["name"] for c in await redis.xinfo_consumers("inbound", "workers")] == []


async def test_a_renewal_tells_when_the_key_had_expired(redis: aioredis.Redis) -> None:
    inbound = InboundStream(redis)
    assert await inbound.mark_alive("w") is False  # nothing to renew: others may have taken its deliveries
    assert await inbound.mark_alive("w") is True
    assert 0 < await redis.pttl(liveness.alive_key("w")) <= liveness.ALIVE_TTL_MS
