"""Failures reach the owner: signed messages go through the real webhook → queue → worker → send path while the
fake Meta is unreachable, failing (5xx), limiting (429) or refusing the token (190), and what an owner checks
through the API and the pages says so in words, with a Retry that sends once."""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import AsyncIterator
from typing import Any

import pytest

from bot.inbound.stream import InboundStream
from bot.inbound.worker import Worker
from bot.runtime.embedded import free_port
from bot.runtime.host import ENGINE, SERVICES
from tests.dashboard.test_pages import hidden_token
from tests.e2e.conftest import (
    CAMPAIGN,
    PAGE_ID,
    Tenant,
    connect_channel,
    eventually,
    post_messenger,
    queue_state,
    remember_customer,
    settled,
    signup,
)
from tests.fakes_meta import FakeGraph
from tests.whole_app import create_app

# A class name, a library's words or Meta's raw text: none may reach an owner.
NOT_FOR_OWNERS = re.compile(r"Error\b|Exception|aiohttp|Client[A-Z]|OAuth|Graph error|HTTP \d|\(#\d+\)")
META_DOWN = (503, {"error": {"message": "Service temporarily unavailable", "code": 2, "is_transient": True}})
META_LIMITING = (429, {"error": {"message": "(#4) Application request limit reached", "code": 4}})


class Platform:
    """The web app without its own worker, and a worker that gives up a delivery after 3 quick attempts."""

    def __init__(self, client: Any, fake: FakeGraph, graph_url: str) -> None:
        self.client, self.fake, self.graph_url = client, fake, graph_url
        self.app = client.app
        self.graph = self.app[SERVICES].graph

    def meta_unreachable(self) -> None:
        self.graph.base_url = f"http://127.0.0.1:{free_port()}/v21.0"

    def meta_back(self) -> None:
        self.graph.base_url = self.graph_url
        self.fake.failing = None
        self.fake.revoked.clear()

    async def get(self, tenant: Tenant, path: str) -> Any:
        response = await self.client.get(path, headers=tenant.headers)
        assert response.status == 200, await response.text()
        return await response.json()

    async def conversation(self, tenant: Tenant, customer: str) -> dict[str, Any]:
        listed = await self.get(tenant, "/api/conversations?limit=200")
        [found] = [c for c in listed["conversations"] if c["customer_id"] == customer]
        return await self.get(tenant, f"/api/conversations/{found['id']}")

    async def delivery_of(self, tenant: Tenant, customer: str, state: str) -> dict[str, Any]:
        async def reached() -> dict[str, Any] | None:
            listed = await self.get(tenant, "/api/conversations?limit=200")
            found = [c for c in listed["conversations"] if c["customer_id"] == customer and c["delivery"] == state]
            return found[0] if found else None

        return await eventually(
            reached,
            timeout=60,
            what=f"{customer}'s delivery {state} after {len(self.fake.sends())} sends",
            explain=lambda: queue_state(self.app[SERVICES].redis),
        )

    async def page(self, tenant: Tenant, path: str) -> str:  # noqa: ARG002 # the same signature as the API's reader: the session says whose
        """A page as the owner's browser gets it (their session, not the API token)."""
        response = await self.client.get(path)
        assert response.status == 200, await response.text()
        html = await response.text()
        assert 'action="/login"' not in html, "not logged in"
        return html


async def owner_of(platform: Platform) -> Tenant:
    """A business with a campaign and a connected page, its owner logged in (the session the pages read)."""
    email = f"owner-{time.monotonic_ns()}@example.com"
    tenant = await signup(platform.client, email=email)
    await platform.client.post("/api/campaigns", json=CAMPAIGN, headers=tenant.headers)
    await connect_channel(platform.client, tenant, "facebook", PAGE_ID, token="EAAtest-page-token-123456")
    login = await platform.client.post("/api/login", json={"email": email, "password": "correct horse battery"})
    assert login.status == 200, await login.text()
    return tenant


@pytest.fixture
async def platform(aiohttp_client, aiohttp_server, make_settings, redis) -> AsyncIterator[Platform]:  # noqa: ARG001 # requested for what it sets up
    fake = FakeGraph()
    server = await aiohttp_server(fake.app())
    url = str(server.make_url("/v21.0"))
    client = await aiohttp_client(create_app(make_settings(graph_api_url=url), run_worker=False))
    app = client.app
    graph = app[SERVICES].graph
    graph.base_delay_s, graph.max_delay_s = 0.01, 0.05  # Meta's retries within an attempt, quickly
    worker = Worker(
        InboundStream(app[SERVICES].redis, claim_idle_ms=300, max_attempts=3),
        app[ENGINE].dispatcher,
        app[SERVICES].metrics,
        name=f"quick-{time.monotonic_ns()}",
        gate=app[ENGINE].gate,
        claim_every_s=0.1,
    )
    task = asyncio.create_task(worker.run())
    try:
        yield Platform(client, fake, url)
    finally:
        await worker.stop()
        await asyncio.wait_for(task, 30)


async def customer_writes(platform: Platform, redis: Any, text: str, customer: str) -> None:
    await remember_customer(redis, "facebook", PAGE_ID, customer)  # no profile lookup reaches Meta
    await post_messenger(platform.client, text, psid=customer)


def words_only(sentence: str) -> str:
    assert sentence and not NOT_FOR_OWNERS.search(sentence), sentence
    return sentence


async def test_meta_unreachable_shows_the_owner_who_got_no_answer_and_retry_sends_once(platform: Platform, redis) -> None:
    tenant = await owner_of(platform)
    platform.meta_unreachable()
    await customer_writes(platform, redis, "Do you have yoga mats?", "PSID_DOWN")

    # While the queue still tries: not answered yet, in words.
    pending = await platform.delivery_of(tenant, "PSID_DOWN", "pending")
    assert "Facebook could not be reached" in words_only(pending["delivery_error"])
    # Once the delivery is given up: failed, listed under "not answered", with a way out.
    failed = await platform.delivery_of(tenant, "PSID_DOWN", "failed")
    assert words_only(failed["delivery_error"]) == (
        "Not sent: Facebook could not be reached. We will keep the message; press Retry."
    )
    listed = await platform.get(tenant, "/api/conversations?delivery=failed")
    assert [c["customer_id"] for c in listed["conversations"]] == ["PSID_DOWN"]
    detail = await platform.conversation(tenant, "PSID_DOWN")
    [kept] = [m for m in detail["messages"] if m["direction"] == "out"]
    assert kept["delivery"] == "failed" and "Facebook could not be reached" in words_only(kept["error"]["message"])
    assert [m["state"] for m in detail["messages"] if m["direction"] == "in"] == ["pending"]

    [channel] = (await platform.get(tenant, "/api/channels"))["channels"]
    assert channel["health"]["state"] == "failing"
    assert "Facebook could not be reached" in words_only(channel["health"]["last_error"])

    # Every owner page says something is failing, and how many.
    home = await platform.page(tenant, "/dashboard")
    assert "data-delivery-banner" in home and "1 customer did not get an answer" in home
    inbox = await platform.page(tenant, "/inbox?delivery=failed")
    assert "Not answered" in inbox and "Retry" in inbox
    channels_page = await platform.page(tenant, "/integrations")
    assert "Failing" in channels_page and "Connected</span>" not in channels_page

    # Meta is back: Retry sends the kept reply once, and everything turns back to ok.
    platform.meta_back()
    await settled(redis)
    sends_before = len(platform.fake.delivered)
    retried = await platform.client.post(f"/api/conversations/{detail['id']}/retry", headers=tenant.headers)
    assert retried.status == 200, await retried.text()
    body = await retried.json()
    assert body["delivery"] == "ok" and body.get("delivery_error") is None
    assert [m["delivery"] for m in body["messages"] if m["direction"] == "out"] == ["sent"]
    assert [m["state"] for m in body["messages"] if m["direction"] == "in"] == ["answered"]
    again = await platform.client.post(f"/api/conversations/{detail['id']}/retry", headers=tenant.headers)
    assert again.status == 409 and "nothing to retry" in (await again.json())["error"]["message"]
    await settled(redis)
    assert len(platform.fake.delivered) == sends_before + 1
    assert platform.fake.texts()[-1] == kept["text"]
    assert (await platform.get(tenant, "/api/conversations?delivery=failed"))["conversations"] == []
    [channel] = (await platform.get(tenant, "/api/channels"))["channels"]
    assert channel["health"]["state"] == "ok" and channel["health"]["last_success_at"]
    assert "data-delivery-banner" not in await platform.page(tenant, "/dashboard")

    rival = await signup(platform.client)
    foreign = await platform.client.post(f"/api/conversations/{detail['id']}/retry", headers=rival.headers)
    assert foreign.status == 404


async def test_two_retries_at_once_send_once(platform: Platform, redis) -> None:
    tenant = await owner_of(platform)
    platform.meta_unreachable()
    await customer_writes(platform, redis, "How much is the pass?", "PSID_TWICE")
    failed = await platform.delivery_of(tenant, "PSID_TWICE", "failed")
    platform.meta_back()
    await settled(redis)
    before = len(platform.fake.delivered)
    path = f"/api/conversations/{failed['id']}/retry"
    first, second = await asyncio.gather(
        platform.client.post(path, headers=tenant.headers), platform.client.post(path, headers=tenant.headers)
    )
    assert sorted([first.status, second.status]) == [200, 409]
    assert len(platform.fake.delivered) == before + 1


async def test_a_customer_who_asked_for_a_person_shows_a_person_is_needed_when_the_handoff_did_not_go_out(
    platform: Platform, redis
) -> None:
    tenant = await owner_of(platform)
    platform.meta_unreachable()
    await customer_writes(platform, redis, "Can I talk to a real person please?", "PSID_PERSON")
    pending = await platform.delivery_of(tenant, "PSID_PERSON", "pending")
    assert pending["status"] == "handoff"
    failed = await platform.delivery_of(tenant, "PSID_PERSON", "failed")
    assert failed["status"] == "handoff"
    inbox = await platform.page(tenant, "/inbox")
    assert "Needs a person" in inbox and "Bot answering" not in inbox.split('<ul class="list conv-list"', 1)[1]
    thread = await platform.page(tenant, f"/conversations/{failed['id']}")
    assert "Needs a person" in thread and "Not answered" in thread

    # The owner retries the bot's handoff message once Meta is back: the customer is told a person will answer.
    platform.meta_back()
    await settled(redis)
    retried = await platform.client.post(f"/api/conversations/{failed['id']}/retry", headers=tenant.headers)
    assert retried.status == 200, await retried.text()
    body = await retried.json()
    assert body["status"] == "handoff" and body["delivery"] == "ok"


async def test_meta_failing_then_back_by_itself_answers_once_and_clears(platform: Platform, redis) -> None:
    tenant = await owner_of(platform)
    platform.fake.failing = META_DOWN
    await customer_writes(platform, redis, "Do you have mats?", "PSID_5XX")
    pending = await platform.delivery_of(tenant, "PSID_5XX", "pending")
    assert "Facebook had a problem on its side" in words_only(pending["delivery_error"])
    [channel] = (await platform.get(tenant, "/api/channels"))["channels"]
    assert channel["health"]["state"] == "failing"
    platform.fake.failing = None  # Meta recovers before the delivery is given up: the next attempt answers
    answered = await platform.delivery_of(tenant, "PSID_5XX", "ok")
    await settled(redis)
    detail = await platform.conversation(tenant, answered["customer_id"])
    assert [m["delivery"] for m in detail["messages"] if m["direction"] == "out"] == ["sent"]
    assert len(platform.fake.delivered) == 1
    [channel] = (await platform.get(tenant, "/api/channels"))["channels"]
    assert channel["health"]["state"] == "ok"


@pytest.mark.parametrize(
    ("failure", "said"),
    [(META_DOWN, "Facebook had a problem on its side"), (META_LIMITING, "Facebook asked us to slow down")],
)
async def test_meta_failing_or_limiting_until_given_up_is_failed_in_words(platform: Platform, redis, failure, said) -> None:
    tenant = await owner_of(platform)
    platform.fake.failing = failure
    await customer_writes(platform, redis, "Do you have mats?", "PSID_GIVEN_UP")
    failed = await platform.delivery_of(tenant, "PSID_GIVEN_UP", "failed")
    assert said in words_only(failed["delivery_error"]) and "press Retry" in failed["delivery_error"]
    [channel] = (await platform.get(tenant, "/api/channels"))["channels"]
    assert channel["health"]["state"] == "failing" and said in channel["health"]["last_error"]


async def test_a_refused_token_fails_at_once_and_the_channel_needs_reconnecting(platform: Platform, redis) -> None:
    tenant = await owner_of(platform)
    platform.fake.revoked.add("EAAtest-page-token-123456")
    await customer_writes(platform, redis, "Do you have mats?", "PSID_190")
    failed = await platform.delivery_of(tenant, "PSID_190", "failed")
    assert "no longer accepts this channel's connection" in words_only(failed["delivery_error"])
    assert "Reconnect it on the Channels page" in failed["delivery_error"]
    [channel] = (await platform.get(tenant, "/api/channels"))["channels"]
    assert channel["status"] == "needs_reconnect" and channel["health"]["state"] == "needs_reconnect"
    assert "Needs reconnecting" in await platform.page(tenant, "/integrations")
    # Retrying before reconnecting fails again, saying why; nothing is marked sent.
    retried = await platform.client.post(f"/api/conversations/{failed['id']}/retry", headers=tenant.headers)
    assert retried.status == 409
    assert "Reconnect it on the Channels page" in words_only((await retried.json())["error"]["message"])
    assert (await platform.conversation(tenant, "PSID_190"))["delivery"] == "failed"


async def test_an_owner_reply_while_meta_is_unreachable_says_so_in_words(platform: Platform, redis) -> None:
    tenant = await owner_of(platform)
    await customer_writes(platform, redis, "Do you have mats?", "PSID_OWNER")
    answered = await platform.delivery_of(tenant, "PSID_OWNER", "ok")
    await eventually(lambda: len(platform.fake.delivered) == 1, what="the bot's answer")
    platform.meta_unreachable()
    response = await platform.client.post(
        f"/api/conversations/{answered['id']}/reply", json={"text": "I'll call you."}, headers=tenant.headers
    )
    assert response.status == 502
    assert (await response.json())["error"]["message"] == (
        "Not sent: Facebook could not be reached. We will keep the message; press Retry."
    )
    # The thread's reply form says the same, beside the field, never a class name.
    thread = await platform.page(tenant, f"/conversations/{answered['id']}")
    form = await platform.client.post(
        f"/conversations/{answered['id']}/reply", data={"text": "Are you there?", "csrf_token": hidden_token(thread)}
    )
    html = await form.text()
    assert form.status == 422 and "Not sent: Facebook could not be reached. We will keep the message; press Retry." in html
    assert "ClientConnector" not in html and "network error" not in html
    platform.meta_back()
    # Retry sends the latest message that did not go out.
    retried = await platform.client.post(f"/api/conversations/{answered['id']}/retry", headers=tenant.headers)
    assert retried.status == 200, await retried.text()
    assert platform.fake.texts()[-1] == "Are you there?"
    assert (await retried.json())["delivery"] == "ok"
