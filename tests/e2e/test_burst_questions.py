"""Two questions from one customer 1.5 s apart, inside the debounce window, become one turn: its one reply
answers both, offline; through the model, the prompt shows both messages. A message counts as answered only
when its question was: one the bot cannot answer waits for the person the conversation goes to."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from typing import Any

import pytest

from bot.inbound.stream import InboundStream
from bot.inbound.worker import Worker
from bot.runtime.engine import build_engine
from bot.runtime.host import SERVICES
from bot.runtime.services import open_services
from bot.runtime.settings import Settings
from knowledge.documents import add_document
from tests.clocks import SettableClock
from tests.e2e.conftest import (
    PAGE_ID,
    Tenant,
    conversation_with,
    messenger_text,
    post_webhook,
    remember_customer,
    seeded_tenant,
    settled,
    today_analytics,
    until_passes,
    wait_for_texts,
)
from tests.fakes.groq_server import FakeGroq, start_fake_groq, tool_answer
from tests.whole_app import create_app

DEBOUNCE_MS = 400
APART = timedelta(seconds=1.5)
GUIDE = b"""# Studio guide

## Opening hours
We are open Monday to Friday from 7am to 9pm, and on weekends from 8am to 2pm.

## Changing rooms
There are four showers with free towels in the changing rooms.
"""
PRICE = "How much is the yoga pass?"
SHOWERS = "Do you have showers?"


@asynccontextmanager
async def worker_on(settings: Settings, clock: SettableClock) -> AsyncIterator[None]:
    """A worker whose engine reads `clock`, beside the web app under test."""
    async with open_services(settings) as services:
        services.clock = clock
        engine = build_engine(services)
        worker = Worker(InboundStream(services.redis), engine.dispatcher, services.metrics, name="bursts", gate=engine.gate)
        task = asyncio.create_task(worker.run())
        try:
            yield
        finally:
            await worker.stop()
            await asyncio.wait_for(task, 10)


async def studio(client) -> Tenant:
    tenant = await seeded_tenant(client)
    await add_document(client.app[SERVICES].db, tenant.tenant_id, "guide.md", "text/markdown", GUIDE)
    return tenant


async def burst(client, redis, clock: SettableClock, psid: str, *texts: str) -> None:
    """The customer's messages, written `APART` on the clock, all reaching the webhook inside the debounce window."""
    await remember_customer(redis, "facebook", PAGE_ID, psid)
    for index, text in enumerate(texts):
        if index:
            clock.advance(APART)
        body: dict[str, Any] = messenger_text(text, psid=psid)
        written = int(clock.now().timestamp() * 1000)
        body["entry"][0]["time"] = body["entry"][0]["messaging"][0]["timestamp"] = written
        await post_webhook(client, "messenger", body)


@pytest.fixture
def clock() -> SettableClock:
    return SettableClock()


async def test_two_questions_in_one_turn_get_both_answers_offline(aiohttp_client, graph, make_settings, redis, clock):
    fake, url = graph
    settings = make_settings(graph_api_url=url, reply_debounce_ms=DEBOUNCE_MS)
    client = await aiohttp_client(create_app(settings, run_worker=False))
    tenant = await studio(client)
    async with worker_on(settings, clock):
        await burst(client, redis, clock, "PSID_TWO", PRICE, SHOWERS)
        [reply] = await wait_for_texts(fake, 1)
        await settled(redis)
    assert len(fake.sends()) == 1, "one turn, one reply"
    assert "49" in reply and "four showers" in reply, reply
    assert reply.index("49") < reply.index("four showers"), "answered in the order asked"
    detail = await conversation_with(client, tenant, "PSID_TWO", inbound=2)
    assert [m["state"] for m in detail["messages"] if m["direction"] == "in"] == ["answered", "answered"]
    assert detail["status"] == "bot"


async def test_a_question_no_one_wrote_an_answer_to_waits_for_a_person(aiohttp_client, graph, make_settings, redis, clock):
    fake, url = graph
    settings = make_settings(graph_api_url=url, reply_debounce_ms=DEBOUNCE_MS)
    client = await aiohttp_client(create_app(settings, run_worker=False))
    tenant = await studio(client)
    async with worker_on(settings, clock):
        await burst(client, redis, clock, "PSID_DOG", PRICE, "Can I bring my dog to class?")
        [reply] = await wait_for_texts(fake, 1)
        await settled(redis)
    assert "49" in reply and "check with the team" in reply, reply
    detail = await conversation_with(client, tenant, "PSID_DOG", inbound=2)
    assert [m["state"] for m in detail["messages"] if m["direction"] == "in"] == ["answered", "held"]
    assert detail["status"] == "handoff"

    async def counted() -> None:
        totals = (await today_analytics(client, tenant))["totals"]
        assert totals["messages_in"] == 2 and totals["messages_answered"] == 1, totals

    await until_passes(counted)
    # The person's answer answers the message held for them, and counts it once.
    response = await client.post(
        f"/api/conversations/{detail['id']}/reply", json={"text": "Dogs are welcome on the terrace."}, headers=tenant.headers
    )
    assert response.status == 201, await response.text()
    detail = await conversation_with(client, tenant, "PSID_DOG", inbound=2)
    assert [m["state"] for m in detail["messages"] if m["direction"] == "in"] == ["answered", "answered"]
    totals = (await today_analytics(client, tenant))["totals"]
    assert totals["messages_answered"] == 2, totals


async def test_with_a_model_the_prompt_shows_both_messages(aiohttp_client, aiohttp_server, graph, make_settings, redis, clock):
    fake, url = graph
    groq: FakeGroq = await start_fake_groq(aiohttp_server)
    groq.script(tool_answer({"reply": "The Yoga Pass is $49.00. There are four showers with free towels.", "sources": ["P1"]}))
    settings = make_settings(
        graph_api_url=url, reply_debounce_ms=DEBOUNCE_MS, groq_api_key="test-key", groq_base_url=groq.url, groq_timeout_s=2.0
    )
    client = await aiohttp_client(create_app(settings, run_worker=False))
    tenant = await studio(client)
    async with worker_on(settings, clock):
        await burst(client, redis, clock, "PSID_LLM_TWO", PRICE, SHOWERS)
        [reply] = await wait_for_texts(fake, 1)
        await settled(redis)
    [request] = groq.requests
    assert PRICE in request.user_text and SHOWERS in request.user_text, request.user_text
    assert request.user_text.index(PRICE) < request.user_text.index(SHOWERS)
    assert "answer every question in them" in request.system_text
    assert "49" in reply and "showers" in reply, reply
    detail = await conversation_with(client, tenant, "PSID_LLM_TWO", inbound=2)
    assert [m["state"] for m in detail["messages"] if m["direction"] == "in"] == ["answered", "answered"]


async def test_while_a_question_waits_for_a_person_the_bot_answers_the_next_until_a_person_is_asked_for(
    aiohttp_client, graph, make_settings, redis, clock
):
    """A question the bot cannot answer goes to a person; the customer's next, answerable question is answered
    meanwhile (the conversation still waits for the person). Asking for a person makes the bot fall silent."""
    fake, url = graph
    settings = make_settings(graph_api_url=url, reply_debounce_ms=DEBOUNCE_MS)
    client = await aiohttp_client(create_app(settings, run_worker=False))
    tenant = await studio(client)
    async with worker_on(settings, clock):
        await burst(client, redis, clock, "PSID_WAIT", "Can I bring my dog to class?")
        [declined] = await wait_for_texts(fake, 1)
        await settled(redis)
        assert "check with the team" in declined, declined
        detail = await conversation_with(client, tenant, "PSID_WAIT", inbound=1)
        assert detail["status"] == "handoff" and detail["handoff_cause"] == "unanswered"

        clock.advance(timedelta(minutes=1))
        await burst(client, redis, clock, "PSID_WAIT", SHOWERS)
        texts = await wait_for_texts(fake, 2)
        await settled(redis)
        assert "four showers" in texts[-1], texts
        detail = await conversation_with(client, tenant, "PSID_WAIT", inbound=2)
        assert detail["status"] == "handoff", "the first question still waits for a person"

        clock.advance(timedelta(minutes=1))
        await burst(client, redis, clock, "PSID_WAIT", "Can I talk to a real person please?")
        texts = await wait_for_texts(fake, 3)
        await settled(redis)
        clock.advance(timedelta(minutes=1))
        await burst(client, redis, clock, "PSID_WAIT", PRICE)
        await conversation_with(client, tenant, "PSID_WAIT", inbound=4)
        await settled(redis)
    detail = await conversation_with(client, tenant, "PSID_WAIT", inbound=4)
    assert detail["status"] == "handoff" and detail["handoff_cause"] == "person"
    assert detail["messages"][-1]["direction"] == "in" and detail["messages"][-1]["state"] == "held"
    assert len(fake.sends()) == 3, "silent once the customer asked for a person"
