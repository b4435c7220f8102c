"""A channel the platform never heard of, added with its own module and one registry line, answers end to end:
its webhook, the durable queue, the worker, the reply pipeline and its own send requests."""

from __future__ import annotations

import time

import pytest

import channels.registry as registry
from bot.conversations.messages import recent_messages
from bot.conversations.store import find_conversation
from bot.runtime.host import SERVICES
from channels.accounts import connect_account
from tests.e2e.conftest import CAMPAIGN, signed, signup, until_passes
from tests.fakes.chirp_channel import CHIRP

ACCOUNT = "4242"


@pytest.fixture
async def chirp_client(monkeypatch, aiohttp_client, make_settings, graph, redis):  # noqa: ARG001 # requested for what it sets up
    monkeypatch.setattr(registry, "CHANNELS", [*registry.CHANNELS, CHIRP])  # the one registry line
    from tests.whole_app import create_app

    _, url = graph
    return await aiohttp_client(create_app(make_settings(graph_api_url=url)))


def chirp(text: str, *, customer: str, chirp_id: str) -> dict:
    at = int(time.time())
    return {"object": "chirp", "chirps": [{"account": ACCOUNT, "from": customer, "id": chirp_id, "text": text, "at": at}]}


async def test_a_message_through_an_added_channel_is_answered_by_its_own_sender(chirp_client, graph):
    fake, _ = graph
    tenant = await signup(chirp_client)
    response = await chirp_client.post("/api/campaigns", json={**CAMPAIGN, "target_platform": "all"}, headers=tenant.headers)
    assert response.status == 201, await response.text()
    services = chirp_client.app[SERVICES]
    await connect_account(services.db, services.cipher, tenant.tenant_id, "chirp", ACCOUNT, "EAAchirp-token-1")

    body, headers = signed(chirp("How much is the Yoga Pass?", customer="777", chirp_id="c1"))
    response = await chirp_client.post("/webhooks/chirp", data=body, headers=headers)
    assert response.status == 200, await response.text()

    async def answered() -> dict:
        sends = [c for c in fake.calls if c.path == f"/v21.0/{ACCOUNT}/messages" and c.method == "POST"]
        assert sends, "nothing sent yet"
        return sends[0]

    send = await until_passes(answered, timeout=15)
    assert send.headers["Authorization"] == "Bearer EAAchirp-token-1"
    assert send.json["chirp"]["to"] == "777"
    assert "$49" in send.json["chirp"]["text"]
    assert send.json["chirp"]["ref"].startswith("salesbot:turn_")

    async def stored() -> list:
        conversation = await find_conversation(services.db, tenant.tenant_id, "chirp", ACCOUNT, "777")
        assert conversation is not None, "no conversation yet"
        messages = await recent_messages(services.db, tenant.tenant_id, conversation.id)
        assert [m.direction for m in messages] == ["in", "out"]
        return messages

    incoming, reply = await until_passes(stored)
    assert incoming.text == "How much is the Yoga Pass?"
    assert (reply.text, reply.delivery) == (send.json["chirp"]["text"], "sent")


async def test_its_webhook_checks_the_signature_and_its_own_object(chirp_client):
    body, headers = signed(chirp("hi", customer="777", chirp_id="c2"))
    assert (
        await chirp_client.post("/webhooks/chirp", data=body, headers={**headers, "X-Hub-Signature-256": "sha256=00"})
    ).status == 403
    wrong, wrong_headers = signed({"object": "page", "entry": []})
    response = await chirp_client.post("/webhooks/chirp", data=wrong, headers=wrong_headers)
    assert (response.status, await response.text()) == (400, "expected object 'chirp'")


async def test_without_its_registry_line_the_channel_does_not_exist(platform_client):
    body, headers = signed(chirp("hi", customer="777", chirp_id="c3"))
    assert (await platform_client.post("/webhooks/chirp", data=body, headers=headers)).status == 404
