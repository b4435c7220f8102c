"""A customer's message, end to end, to the owner's CRM: the lead the turn creates is one signed delivery."""

from __future__ import annotations

import asyncio

from bot.outbound_webhooks.delivery import deliver_due
from bot.runtime.host import SERVICES
from tests.e2e.conftest import post_messenger, seeded_tenant, until_passes, wait_for_texts
from tests.fakes.crm_receiver import FakeCrm


async def test_a_lead_created_by_a_customers_message_reaches_the_crm_once_signed(
    aiohttp_client, aiohttp_server, make_settings, graph, redis
):
    from tests.whole_app import create_app

    fake_graph, graph_url = graph
    app = create_app(make_settings(graph_api_url=graph_url, outbound_webhooks_allow_private=True))
    client = await aiohttp_client(app)
    crm = FakeCrm()
    receiver = await aiohttp_server(crm.app())
    tenant = await seeded_tenant(client)
    created = await client.post(
        "/api/webhooks",
        json={"url": str(receiver.make_url("/hooks")), "events": ["lead.created", "sale.recorded"]},
        headers=tenant.headers,
    )
    assert created.status == 201, await created.text()
    crm.secret = (await created.json())["secret"]

    await post_messenger(client, "Hi, I'm Ana, ana@example.com. How much is the yoga pass?", psid="PSID_ANA")
    await wait_for_texts(fake_graph, 1, timeout=30)
    services = app[SERVICES]

    async def delivered() -> None:
        # The worker's chore delivers every few seconds; delivering here too shows two senders still make one.
        await deliver_due(services.db, services.cipher, services.webhook_rules(), services.clock.now())
        assert crm.accepted, crm.refused

    await until_passes(delivered, timeout=15)
    await asyncio.sleep(0.2)
    await deliver_due(services.db, services.cipher, services.webhook_rules(), services.clock.now())
    assert crm.refused == []
    [event] = crm.events()
    assert event["type"] == "lead.created" and event["id"].startswith("msg_")
    data = event["data"]
    assert data["platform"] == "facebook" and data["customer_id"] == "PSID_ANA"
    assert data["email"] == "ana@example.com" and data["stage"] in ("new", "engaged", "qualified")
    conversations = await (await client.get("/api/conversations", headers=tenant.headers)).json()
    assert data["conversation_id"] == conversations["conversations"][0]["id"]
