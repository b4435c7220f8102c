"""A worker that stood still past its conversation lock's life (a starved machine) finds, when it wakes, the lock in
another worker's hands. It sends nothing: the customer is answered once, by whoever holds the conversation."""

from __future__ import annotations

import logging

from tests.e2e.conftest import (
    PAGE_ID,
    eventually,
    messenger_text,
    post_webhook,
    remember_customer,
    seeded_tenant,
    sends_by_recipient,
    settled,
)
from tests.e2e.test_durability import quick_worker
from tests.fakes.groq_server import slow, start_fake_groq, tool_answer
from tests.fakes_meta import FakeGraph
from tests.whole_app import create_app

ANSWER = {"reply": "The Yoga Pass is $49 a month.", "facts_used": ["Yoga Pass"]}


async def test_a_turn_whose_lock_passed_to_another_worker_sends_nothing(
    aiohttp_client, aiohttp_server, make_settings, redis, caplog
):
    fake = FakeGraph()
    graph = await aiohttp_server(fake.app())
    groq = await start_fake_groq(aiohttp_server)
    groq.responder = lambda _body: slow(1.5, tool_answer(ANSWER))  # the turn stands still in its model call
    settings = make_settings(
        graph_api_url=str(graph.make_url("/v21.0")), groq_api_key="test-key", groq_base_url=groq.url, groq_timeout_s=8
    )
    client = await aiohttp_client(create_app(settings, run_worker=False))
    await seeded_tenant(client)
    await remember_customer(redis, "facebook", PAGE_ID, "PSID_LATE")
    caplog.set_level(logging.WARNING, logger="bot.inbound.worker")

    async with quick_worker(settings, claim_idle_ms=1000):
        await post_webhook(client, "messenger", messenger_text("How much is the pass?", psid="PSID_LATE"))
        await eventually(lambda: groq.requests, timeout=30, what="the turn's model call")
        [lock] = await redis.keys("lock:conversation:*")
        # While it waits, its lock expires and another worker takes the conversation.
        await redis.set(lock, "another-workers-token", px=60_000)
        await eventually(
            lambda: any("turn left to the worker now holding" in r.getMessage() for r in caplog.records),
            timeout=30,
            what="the turn given up at its send",
        )
        assert fake.sends() == [], "a turn whose lock was taken sent its reply"

        # The other worker lets go without answering (it stopped): the delivery is answered, once, by this one.
        groq.responder = lambda _body: tool_answer(ANSWER)
        await redis.delete(lock)
        await eventually(lambda: fake.sends(), timeout=30, what="the reply, once the conversation is free")
        await settled(redis)

    assert sends_by_recipient(fake) == {"PSID_LATE": 1}
    assert await redis.xlen("deadletter") == 0
