"""Stores that fail cost nothing: an embedded server that dies is restarted, deliveries that met the outage are
tried again without spending their attempts, /readyz names the store that is down, and a Redis still loading its
data is waited for at start."""

from __future__ import annotations

import asyncio
import os
import signal
import time

import pytest

from bot.inbound.stream import InboundStream
from bot.inbound.worker import Worker
from bot.runtime.host import ENGINE, SERVICES
from bot.runtime.services import open_services, wait_until_loaded
from tests.e2e.conftest import (
    PAGE_ID,
    conversation_of,
    eventually,
    messenger_text,
    post_webhook,
    remember_customer,
    seeded_tenant,
    sends_by_recipient,
    settled,
)
from tests.whole_app import create_app


def _embedded(client, name: str):
    return next(server for server in client.app[SERVICES].servers.embedded if server.name == name)


async def test_kill_9_of_the_embedded_mongodb_mid_stream_loses_and_repeats_nothing(aiohttp_client, graph, make_settings, redis):
    fake, url = graph
    # MONGODB_URI unset: the app starts (and watches) its own embedded MongoDB-wire server.
    settings = make_settings(graph_api_url=url, mongodb_uri="")
    client = await aiohttp_client(create_app(settings, run_worker=False))
    tenant = await seeded_tenant(client)
    customers = [f"PSID_M{i:02d}" for i in range(40)]
    for psid in customers:
        await remember_customer(redis, "facebook", PAGE_ID, psid)
    services, engine = client.app[SERVICES], client.app[ENGINE]
    # Quick to retry and quick to dead-letter: two failed attempts would be enough to lose a customer here.
    inbound = InboundStream(services.redis, claim_idle_ms=500, max_attempts=2)
    worker = Worker(inbound, engine.dispatcher, services.metrics, name="outage", gate=engine.gate, claim_every_s=0.1)
    task = asyncio.create_task(worker.run())
    try:
        for i, psid in enumerate(customers):
            await post_webhook(client, "messenger", messenger_text(f"How much is the pass? ({i})", psid=psid))
        await fake.wait_for_sends(8)
        mongo = _embedded(client, "mongo")
        killed = mongo.process.pid
        os.kill(killed, signal.SIGKILL)

        await eventually(lambda: mongo.restarts >= 1 and mongo.process.pid != killed, timeout=20, what="MongoDB restarted")
        await eventually(lambda: len(sends_by_recipient(fake)) == len(customers), timeout=60, what="every customer answered")
        await settled(redis)
    finally:
        await worker.stop()
        await task

    assert sends_by_recipient(fake) == {psid: 1 for psid in customers}
    assert await redis.xlen("deadletter") == 0
    for psid in customers[::7]:
        detail = await conversation_of(client, tenant, psid)
        assert [m["state"] for m in detail["messages"] if m["direction"] == "in"] == ["answered"]


@pytest.mark.usefixtures("redis")
async def test_readyz_names_the_store_that_is_down(aiohttp_client, make_settings):
    client = await aiohttp_client(create_app(make_settings(mongodb_uri=""), run_worker=False))
    assert (await client.get("/readyz")).status == 200
    mongo = _embedded(client, "mongo")
    os.kill(mongo.process.pid, signal.SIGSTOP)  # alive but silent: nothing restarts it
    try:
        response = await client.get("/readyz")
        body = await response.json()
        assert response.status == 503
        assert body["down"] == ["mongodb"]
        assert body["checks"]["mongodb"].startswith("down") and body["checks"]["redis"] == "ok"
    finally:
        os.kill(mongo.process.pid, signal.SIGCONT)
    await eventually(lambda: _status(client, 200), what="ready again")


async def _status(client, expected: int) -> bool:
    return (await client.get("/readyz")).status == expected


class LoadingRedis:
    """A Redis that answers LOADING (as one reading a large append-only file does) to its first commands."""

    def __init__(self, loading_replies: int) -> None:
        self.loading_replies = loading_replies
        self.commands: list[str] = []

    async def serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while header := await reader.readline():
                count = int(header[1:])
                parts = []
                for _ in range(count):
                    await reader.readline()
                    parts.append((await reader.readline()).strip().decode())
                self.commands.append(" ".join(parts[:2]).upper())
                if self.loading_replies > 0:
                    self.loading_replies -= 1
                    writer.write(b"-LOADING Redis is loading the dataset in memory\r\n")
                elif parts[0].upper() == "PING":
                    writer.write(b"+PONG\r\n")
                else:
                    writer.write(b"+OK\r\n")
                await writer.drain()
        except (ConnectionError, ValueError):
            pass
        finally:
            writer.close()


async def test_a_start_while_redis_loads_its_data_waits_for_it():
    import redis.asyncio as aioredis

    fake = LoadingRedis(loading_replies=25)
    server = await asyncio.start_server(fake.serve, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    client = aioredis.Redis(host="127.0.0.1", port=port, decode_responses=True)
    try:
        await wait_until_loaded(client, timeout_s=30)
        assert await client.ping() is True
    finally:
        await client.aclose()
        server.close()
    assert fake.loading_replies == 0 and "PING" in fake.commands


@pytest.mark.usefixtures("mongo_uri")
async def test_the_whole_start_waits_for_a_loading_redis(make_settings):
    fake = LoadingRedis(loading_replies=25)
    server = await asyncio.start_server(fake.serve, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    started = time.monotonic()
    try:
        async with open_services(make_settings(redis_url=f"redis://127.0.0.1:{port}/0")) as services:
            assert await services.redis.ping() is True
    finally:
        server.close()
    assert fake.loading_replies == 0, time.monotonic() - started
