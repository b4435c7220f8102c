"""Customers' messages, end to end, to the owner's CRM: what a turn changes (a new lead, a handoff to a person, a
customer who opts out) is one signed delivery each, whoever delivers it."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

import pytest

from bot.outbound_webhooks.delivery import deliver_due
from bot.runtime.host import SERVICES
from tests.e2e.conftest import Tenant, post_messenger, seeded_tenant, until_passes, wait_for_texts
from tests.fakes.crm_receiver import FakeCrm


@dataclass
class Platform:
    client: Any
    graph: Any
    crm: FakeCrm
    tenant: Tenant

    async def deliver(self) -> int:
        services = self.client.server.app[SERVICES]
        return await deliver_due(services.db, services.cipher, services.webhook_rules(), services.clock.now())

    async def received(self, count: int) -> list[dict[str, Any]]:
        async def check() -> list[dict[str, Any]]:
            # The worker's chore delivers every few seconds; delivering here too shows two senders still make one.
            await self.deliver()
            assert len(self.crm.accepted) >= count, (self.crm.accepted, self.crm.refused)
            return self.crm.accepted

        await until_passes(check, timeout=20)
        await asyncio.sleep(0.2)
        await self.deliver()
        assert self.crm.refused == []
        return self.crm.accepted


@pytest.fixture
async def platform(aiohttp_client, aiohttp_server, make_settings, graph, redis) -> Platform:  # noqa: ARG001 # requested for what it sets up
    from tests.whole_app import create_app

    fake_graph, graph_url = graph
    client = await aiohttp_client(create_app(make_settings(graph_api_url=graph_url, outbound_webhooks_allow_private=True)))
    crm = FakeCrm()
    receiver = await aiohttp_server(crm.app())
    tenant = await seeded_tenant(client)
    events = ["lead.created", "conversation.handoff", "conversation.closed"]
    created = await client.post(
        "/api/webhooks", json={"url": str(receiver.make_url("/hooks")), "events": events}, headers=tenant.headers
    )
    assert created.status == 201, await created.text()
    crm.secret = (await created.json())["secret"]
    return Platform(client, fake_graph, crm, tenant)


async def test_a_lead_created_by_a_customers_message_reaches_the_crm_once_signed(platform):
    await post_messenger(platform.client, "Hi, I'm Ana, ana@example.com. How much is the yoga pass?", psid="PSID_ANA")
    await wait_for_texts(platform.graph, 1, timeout=30)
    [event] = await platform.received(1)
    assert event["type"] == "lead.created" and event["id"].startswith("msg_")
    data = event["data"]
    assert data["platform"] == "facebook" and data["customer_id"] == "PSID_ANA"
    assert data["email"] == "ana@example.com" and data["stage"] in ("new", "engaged", "qualified")
    listed = await (await platform.client.get("/api/conversations", headers=platform.tenant.headers)).json()
    assert data["conversation_id"] == listed["conversations"][0]["id"]


async def test_a_handoff_and_an_opt_out_are_told_once_each(platform):
    await post_messenger(platform.client, "Can I talk to a real person please?", psid="PSID_PERSON")
    await post_messenger(platform.client, "STOP", psid="PSID_STOP")
    await wait_for_texts(platform.graph, 2, timeout=30)
    accepted = await platform.received(4)
    by_type: dict[str, Any] = {}
    for event in accepted:
        by_type.setdefault(event["type"], []).append(event)
    assert sorted(by_type) == ["conversation.closed", "conversation.handoff", "lead.created"]
    [handoff] = by_type["conversation.handoff"]
    assert handoff["data"]["customer_id"] == "PSID_PERSON" and handoff["data"]["status"] == "handoff"
    [closed] = by_type["conversation.closed"]
    assert closed["data"]["customer_id"] == "PSID_STOP" and closed["data"]["status"] == "opted_out"
    assert len(by_type["lead.created"]) == 2
    assert len({event["id"] for event in accepted}) == len(accepted) == 4
