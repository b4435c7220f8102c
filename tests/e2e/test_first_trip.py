"""One customer message makes the whole trip: webhook → stream → worker → reply → Graph, all stored."""

from __future__ import annotations

import asyncio

from tests.e2e.conftest import messenger_text, seeded_tenant, settled, signed


async def _conversations(client, tenant, want_messages: int = 2, timeout: float = 10.0) -> list[dict]:
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        response = await client.get("/api/conversations", headers=tenant.headers)
        assert response.status == 200
        data = await response.json()
        items = data["conversations"] if isinstance(data, dict) else data
        if items:
            detail = await (await client.get(f"/api/conversations/{items[0]['id']}", headers=tenant.headers)).json()
            if len(detail["messages"]) >= want_messages:
                return [detail]
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"conversation not complete: {data}")
        await asyncio.sleep(0.05)


async def test_signed_messenger_message_is_answered_with_the_campaign_price(platform_client, graph):
    fake, _ = graph
    tenant = await seeded_tenant(platform_client)
    body, headers = signed(messenger_text("How much is the yoga pass?", psid="PSID_ANA"))

    response = await platform_client.post("/webhooks/messenger", data=body, headers=headers)
    assert response.status == 200

    sends = await fake.wait_for_sends(1)
    call = sends[0]
    assert call.path.endswith("/me/messages")
    assert call.query["access_token"] == "EAAtest-page-token-123456"
    assert call.json["recipient"] == {"id": "PSID_ANA"}
    assert "49" in call.json["message"]["text"]

    [conversation] = await _conversations(platform_client, tenant)
    assert conversation["platform"] == "facebook"
    assert conversation["customer_id"] == "PSID_ANA"
    directions = [(m["direction"], m["sender"]) for m in conversation["messages"]]
    assert directions == [("in", "customer"), ("out", "bot")]
    assert conversation["messages"][0]["text"] == "How much is the yoga pass?"


async def test_redelivered_message_is_answered_once(platform_client, graph, redis):
    fake, _ = graph
    await seeded_tenant(platform_client)
    body, headers = signed(messenger_text("hello", mid="m_same_mid", psid="PSID_BO"))
    for _ in range(3):
        assert (await platform_client.post("/webhooks/messenger", data=body, headers=headers)).status == 200
    await fake.wait_for_sends(1)
    await settled(redis)
    assert len(fake.sends()) == 1


async def test_unknown_page_is_acknowledged_and_dropped(platform_client, graph, redis):
    fake, _ = graph
    await seeded_tenant(platform_client)
    body, headers = signed(messenger_text("hello", page_id="999000999"))
    assert (await platform_client.post("/webhooks/messenger", data=body, headers=headers)).status == 200
    await settled(redis)
    assert fake.sends() == []


async def test_bad_signature_queues_nothing(platform_client, graph, redis):
    fake, _ = graph
    await seeded_tenant(platform_client)
    before = await redis.xlen("inbound")
    body, _ = signed(messenger_text("hello"))
    response = await platform_client.post("/webhooks/messenger", data=body, headers={"X-Hub-Signature-256": "sha256=" + "0" * 64})
    assert response.status == 403
    assert await redis.xlen("inbound") == before
    await settled(redis)
    assert fake.sends() == []
