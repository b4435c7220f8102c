"""A send whose answer never came is not repeated blindly: the worker waits for Meta's echo or status carrying the
turn's reference, and sends again only without one."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from aiohttp import web

from bot.conversations import messages as msgs
from bot.conversations.records import InboundState
from bot.conversations.sending import reply_message_id
from bot.inbound.stream import InboundStream
from bot.inbound.worker import Worker
from bot.runtime.engine import build_engine
from bot.runtime.host import SERVICES
from bot.runtime.services import open_services
from channels.graph import GraphClient
from tests.e2e.conftest import (
    PAGE_ID,
    conversation_of,
    eventually,
    messenger_echo,
    messenger_text,
    post_webhook,
    remember_customer,
    seeded_tenant,
    sends_by_recipient,
    settled,
    signed,
)
from tests.fakes_meta import FakeGraph, GraphCall
from tests.whole_app import create_app

OUR_APP_ID = "111222333"
CLIENT_TIMEOUT_S = 0.4


@asynccontextmanager
async def worker_with(settings, *, report_wait_s: float) -> AsyncIterator[None]:
    """An in-process worker whose Graph client gives up on an answer after CLIENT_TIMEOUT_S."""
    async with open_services(settings) as platform:
        platform.graph = GraphClient(platform.http, settings.graph_base, timeout_s=CLIENT_TIMEOUT_S, base_delay_s=0.01)
        engine = build_engine(platform, report_wait_s=report_wait_s)
        worker = Worker(
            InboundStream(platform.redis),
            engine.dispatcher,
            platform.metrics,
            name=f"slow-{time.monotonic_ns()}",
            gate=engine.gate,
        )
        task = asyncio.create_task(worker.run())
        try:
            yield
        finally:
            await worker.stop()
            await asyncio.wait_for(task, 30)


def echo_back(client):
    """Meta's echo of each send, posted to our webhook as Meta does once it took the message."""

    async def on_send(call: GraphCall, message_id: str) -> None:
        message = call.json.get("message") or {}
        psid = call.json["recipient"]["id"]
        raw, headers = signed(
            messenger_echo(message.get("text", ""), psid, app_id=OUR_APP_ID, metadata=message.get("metadata", ""), mid=message_id)
        )
        response = await client.post("/webhooks/messenger", data=raw, headers=headers)
        assert response.status == 200

    return on_send


async def _answered(client, tenant, customers: list[str]) -> bool:
    for psid in customers:
        detail = await conversation_of(client, tenant, psid)
        if detail is None or [m["state"] for m in detail["messages"] if m["direction"] == "in"] != ["answered"]:
            return False
    return True


async def test_a_slow_graph_with_echoes_answers_each_customer_once(aiohttp_client, aiohttp_server, make_settings, redis):
    fake = FakeGraph(delay_s=CLIENT_TIMEOUT_S * 2.5)  # Meta takes each send, and answers after the client gave up
    graph = await aiohttp_server(fake.app())
    settings = make_settings(graph_api_url=str(graph.make_url("/v21.0")))
    client = await aiohttp_client(create_app(settings, run_worker=False))
    fake.on_send = echo_back(client)
    tenant = await seeded_tenant(client)
    customers = [f"PSID_SLOW{i:02d}" for i in range(12)]
    for psid in customers:
        await remember_customer(redis, "facebook", PAGE_ID, psid)

    async with worker_with(settings, report_wait_s=30):
        for i, psid in enumerate(customers):
            await post_webhook(client, "messenger", messenger_text(f"How much is the pass? ({i})", psid=psid))
        await eventually(lambda: _answered(client, tenant, customers), timeout=30, what="every customer answered")
        await settled(redis)

    assert sends_by_recipient(fake) == {psid: 1 for psid in customers}
    assert await redis.xlen("deadletter") == 0
    db = client.app[SERVICES].db
    replies = await db.messages.find({"tenant_id": tenant.tenant_id, "direction": "out"}).to_list(None)
    assert sorted(r["delivery"] for r in replies) == ["sent"] * len(customers)


class LosingGraph:
    """The first send to each customer hangs and is lost (it never reaches Meta); later ones go through."""

    def __init__(self, fake: FakeGraph) -> None:
        self.fake = fake
        self.lost: set[str] = set()

    async def handle(self, request: web.Request) -> web.StreamResponse:
        if request.method == "POST" and request.path.endswith("/messages"):
            psid = (await request.json())["recipient"]["id"]
            if psid not in self.lost:
                self.lost.add(psid)
                await asyncio.sleep(CLIENT_TIMEOUT_S * 3)
                return web.json_response({"error": {"message": "gone", "code": 2}}, status=500)
        return await self.fake.handle(request)

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self.handle)
        return app


async def test_a_lost_send_with_no_report_is_sent_again_after_the_wait(aiohttp_client, aiohttp_server, make_settings, redis):
    fake = FakeGraph()
    losing = LosingGraph(fake)
    graph = await aiohttp_server(losing.app())
    settings = make_settings(graph_api_url=str(graph.make_url("/v21.0")))
    client = await aiohttp_client(create_app(settings, run_worker=False))
    tenant = await seeded_tenant(client)
    customers = ["PSID_LOST1", "PSID_LOST2"]
    for psid in customers:
        await remember_customer(redis, "facebook", PAGE_ID, psid)

    async with worker_with(settings, report_wait_s=1.0):
        for psid in customers:
            await post_webhook(client, "messenger", messenger_text("Do you have mats?", psid=psid))
        await eventually(lambda: _answered(client, tenant, customers), timeout=30, what="every customer answered")
        await settled(redis)

    assert losing.lost == set(customers)
    assert sends_by_recipient(fake) == {psid: 1 for psid in customers}


async def test_a_retry_of_a_turn_whose_send_went_unanswered_waits_for_metas_report(
    aiohttp_client, aiohttp_server, make_settings, redis
):
    # The state a worker leaves when it dies while waiting: the reply stored as unknown, the message still pending.
    fake = FakeGraph()
    graph = await aiohttp_server(fake.app())
    settings = make_settings(graph_api_url=str(graph.make_url("/v21.0")))
    client = await aiohttp_client(create_app(settings, run_worker=False))
    tenant = await seeded_tenant(client)
    await remember_customer(redis, "facebook", PAGE_ID, "PSID_WAIT")
    body = messenger_text("Do you have mats?", psid="PSID_WAIT", mid="m_wait")
    db = client.app[SERVICES].db

    async with worker_with(settings, report_wait_s=60):
        await post_webhook(client, "messenger", body)
        [first] = await fake.wait_for_sends(1)
        await settled(redis)
        reply = await db.messages.find_one({"tenant_id": tenant.tenant_id, "direction": "out"})
        conversation = await conversation_of(client, tenant, "PSID_WAIT")
        await msgs.hold_unconfirmed_reply(
            db,
            tenant.tenant_id,
            conversation["id"],
            message_id=reply["_id"],
            text=reply["text"],
            source="offline",
            turn_id=reply["turn_id"],
            parts_total=1,
            confirmed=0,
            status_after="",
            now=reply["at"],
        )
        await msgs.mark_inbound(
            db, tenant.tenant_id, [msgs.inbound_message_id("facebook", PAGE_ID, "m_wait")], InboundState.pending
        )

        await post_webhook(client, "messenger", body)  # the retry: it waits (up to 60 s) for Meta's report
        await asyncio.sleep(0.3)
        await post_webhook(
            client,
            "messenger",
            messenger_echo(
                reply["text"], "PSID_WAIT", app_id=OUR_APP_ID, metadata=first.json["message"]["metadata"], mid="m_out_1"
            ),
        )

        async def finished() -> bool:
            stored = await db.messages.find_one({"_id": reply_message_id(reply["turn_id"])})
            inbound = await db.messages.find_one({"tenant_id": tenant.tenant_id, "platform_message_id": "m_wait"})
            return stored["delivery"] == "sent" and inbound["state"] == "answered"

        await eventually(finished, timeout=20, what="the turn settled by the echo")
        await settled(redis)

    assert len(fake.sends()) == 1


async def test_without_echoes_a_reply_is_sent_at_most_twice_then_left_unconfirmed(
    aiohttp_client, aiohttp_server, make_settings, redis
):
    fake = FakeGraph(delay_s=CLIENT_TIMEOUT_S * 2.5)  # Meta takes every send and never answers in time; no echoes
    graph = await aiohttp_server(fake.app())
    settings = make_settings(graph_api_url=str(graph.make_url("/v21.0")))
    client = await aiohttp_client(create_app(settings, run_worker=False))
    tenant = await seeded_tenant(client)
    await remember_customer(redis, "facebook", PAGE_ID, "PSID_NOECHO")

    async with worker_with(settings, report_wait_s=0.5):
        await post_webhook(client, "messenger", messenger_text("Do you have mats?", psid="PSID_NOECHO"))
        await eventually(lambda: _answered(client, tenant, ["PSID_NOECHO"]), timeout=30, what="the turn finished")
        await settled(redis)

    assert sends_by_recipient(fake) == {"PSID_NOECHO": 2}
    detail = await conversation_of(client, tenant, "PSID_NOECHO")
    assert [m.get("delivery") for m in detail["messages"] if m["direction"] == "out"] == ["unconfirmed"]
    assert await redis.xlen("deadletter") == 0
