"""SIGTERM (what `Worker.stop` answers to): intake stops, running turns finish, every other delivery is left pending
with its attempt given back, and another worker answers it once."""

from __future__ import annotations

import asyncio

from bot.inbound.stream import ATTEMPTS, InboundStream
from bot.inbound.worker import Worker
from bot.runtime.engine import build_engine
from bot.runtime.host import ENGINE, SERVICES
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
from tests.fakes_meta import FakeGraph
from tests.whole_app import create_app


async def _states(client, tenant, psid: str) -> list[str]:
    detail = await conversation_of(client, tenant, psid)
    return [m.get("state") or m.get("delivery") for m in (detail or {}).get("messages", [])]


async def test_stop_finishes_running_turns_and_leaves_the_rest_for_another_worker(
    aiohttp_client, aiohttp_server, make_settings, redis
):
    fake = FakeGraph(delay_s=1.5)  # each send takes a while: the first turns are mid-send when the stop comes
    graph = await aiohttp_server(fake.app())
    settings = make_settings(graph_api_url=str(graph.make_url("/v21.0")), reply_debounce_ms=1500)
    client = await aiohttp_client(create_app(settings, run_worker=False))
    tenant = await seeded_tenant(client)
    running, waiting = ["PSID_RUN1", "PSID_RUN2", "PSID_RUN3"], ["PSID_WAIT1", "PSID_WAIT2"]
    for psid in running + waiting:
        await remember_customer(redis, "facebook", PAGE_ID, psid)
    services, engine = client.app[SERVICES], client.app[ENGINE]
    first = Worker(InboundStream(services.redis), engine.dispatcher, services.metrics, name="stopping", gate=engine.gate)
    first_run = asyncio.create_task(first.run())

    for psid in running:
        await post_webhook(client, "messenger", messenger_text("How much is the pass?", psid=psid))
    await fake.wait_for_sends(len(running))  # three turns are sending
    for psid in waiting:  # two more wait out their debounce window
        await post_webhook(client, "messenger", messenger_text("Is there a trial class?", psid=psid))
    await eventually(lambda: _pending(redis, len(running) + len(waiting)), what="all five deliveries taken")

    async def waiting_stored() -> bool:
        # The stop comes while these two wait out their debounce window: stored, not yet answered.
        return all([await _states(client, tenant, psid) == ["pending"] for psid in waiting])

    await eventually(waiting_stored, what="the two waiting messages stored")

    await first.stop()
    await first_run

    # The running turns finished: sent once and stored.
    for psid in running:
        assert await _states(client, tenant, psid) == ["answered", "sent"]
    # The others were not started by the stopping worker: still pending, their attempts given back.
    assert sends_by_recipient(fake) == {psid: 1 for psid in running}
    assert await _pending(redis, len(waiting))
    for psid in waiting:
        assert await _states(client, tenant, psid) == ["pending"]
    assert all(int(count) == 0 for count in (await redis.hgetall(ATTEMPTS)).values())

    fresh = build_engine(services)  # as another worker process would have
    second = Worker(
        InboundStream(services.redis, claim_idle_ms=300),
        fresh.dispatcher,
        services.metrics,
        name="next",
        gate=fresh.gate,
        claim_every_s=0.1,
    )
    second_run = asyncio.create_task(second.run())
    try:
        await eventually(
            lambda: len(sends_by_recipient(fake)) == len(running) + len(waiting), timeout=20, what="the rest answered"
        )
        await settled(redis)
    finally:
        await second.stop()
        await second_run
    assert sends_by_recipient(fake) == {psid: 1 for psid in running + waiting}
    assert await redis.xlen("deadletter") == 0


async def _pending(redis, count: int) -> bool:
    groups = await redis.xinfo_groups("inbound")
    return sum(int(group["pending"]) for group in groups) == count
