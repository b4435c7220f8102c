"""The webhook sink: every accepted delivery is in the stream once, byte for byte; a Redis that cannot take
them fails every waiting webhook, so each is answered 503 and Meta delivers it again."""

from __future__ import annotations

import asyncio
import socket

import pytest
import redis.asyncio as aioredis
from redis.exceptions import ConnectionError as RedisConnectionError

from bot.inbound.stream import InboundStream


async def test_a_burst_of_deliveries_lands_whole_and_once(redis):
    inbound = InboundStream(redis, stream="inbound-burst")
    bodies = [f'{{"object": "page", "n": {i}}}'.encode() for i in range(150)] + ['{"text": "Olá 👋"}'.encode()]

    await asyncio.gather(*(inbound.accept("messenger", body, 1_700_000_000_000 + i) for i, body in enumerate(bodies)))

    await inbound.ensure_group()
    deliveries = await inbound.read("reader", count=500, block_ms=100)
    assert sorted(d.body for d in deliveries) == sorted(bodies)
    assert len({d.entry_id for d in deliveries}) == len(bodies)
    assert {d.channel for d in deliveries} == {"messenger"}


async def test_deliveries_accepted_one_by_one_keep_their_order(redis):
    inbound = InboundStream(redis, stream="inbound-order")
    for i in range(5):
        await inbound.accept("whatsapp", f'{{"n": {i}}}'.encode(), i)
    await inbound.ensure_group()
    deliveries = await inbound.read("reader", count=10, block_ms=100)
    assert [d.received_at_ms for d in deliveries] == [0, 1, 2, 3, 4]


async def test_an_unreachable_redis_fails_every_waiting_delivery():
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    dead = aioredis.Redis(host="127.0.0.1", port=port, socket_connect_timeout=0.5)
    inbound = InboundStream(dead, stream="inbound-dead")
    try:
        results = await asyncio.gather(*(inbound.accept("messenger", b"{}", 0) for _ in range(5)), return_exceptions=True)
    finally:
        await dead.aclose()
    assert len(results) == 5 and all(isinstance(r, RedisConnectionError) for r in results), results


async def test_a_webhook_that_went_away_does_not_lose_the_others(redis):
    inbound = InboundStream(redis, stream="inbound-gone")
    gone = asyncio.create_task(inbound.accept("messenger", b'{"n": "gone"}', 0))
    kept = asyncio.create_task(inbound.accept("messenger", b'{"n": "kept"}', 0))
    await asyncio.sleep(0)
    gone.cancel()
    await kept
    with pytest.raises(asyncio.CancelledError):
        await gone
    await inbound.ensure_group()
    assert b'{"n": "kept"}' in [d.body for d in await inbound.read("reader", count=10, block_ms=100)]


async def test_deliveries_land_once_after_redis_forgot_its_scripts(redis):
    inbound = InboundStream(redis, stream="inbound-flushed")
    await inbound.accept("messenger", b'{"n": "before"}', 1)
    await redis.script_flush()  # what a restarted Redis looks like to the next delivery

    await asyncio.gather(*(inbound.accept("messenger", f'{{"n": {i}}}'.encode(), 2) for i in range(3)))

    await inbound.ensure_group()
    bodies = [d.body for d in await inbound.read("reader", count=10, block_ms=100)]
    assert sorted(bodies) == sorted([b'{"n": "before"}', b'{"n": 0}', b'{"n": 1}', b'{"n": 2}'])
