"""The Conversions API as an owner sets it up and reads it, and as Meta receives it: a qualified lead and a sale
of an ad's conversation become events with the fields each channel needs, sent once, retried with backoff after
Meta fails, kept with Meta's answer, never sent when older than 7 days, and nothing crosses to another business."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import aiohttp
import pytest

from bot.conversations.source import record_referral
from bot.pipeline.types import LeadStage, LeadState
from bot.runtime.housekeeping import build_chores
from bot.sales.attribution import ConversationSource
from bot.sales.conversions_api import send_due_events
from bot.sales.leads import get_lead, save_lead_after_turn
from channels.graph import GraphClient
from tests.dashboard.conftest import platform_of
from tests.dashboard.seeding import FixedClock, conversation
from tests.fakes.conversions_api import FakeConversionsApi
from tests.whole_app import use_clock

NOW = datetime(2026, 6, 30, 15, 0, tzinfo=UTC)
TOKEN = "EAAGcapiSecretToken0123456789"
AD = ConversationSource(kind="ad", ad_id="120210001", headline="Summer sale", ctwa_clid="ARAkLkA8rmlFei")


@pytest.fixture
async def meta(aiohttp_server):
    fake = FakeConversionsApi(clock=NOW.timestamp())
    server = await aiohttp_server(fake.app())
    async with aiohttp.ClientSession() as session:
        yield fake, GraphClient(session, str(server.make_url("/v21.0")), max_attempts=1, timeout_s=2.0)


async def _set_up(api, who, **extra):
    body = {"dataset_id": "998877", "access_token": TOKEN, **extra}
    response = await api.put("/api/integrations/conversions", json=body, headers=who.auth)
    assert response.status == 200, await response.text()
    return await response.json()


async def _ad_conversation(api, who, platform="facebook", customer="psid-1", source=AD):
    p = platform_of(api)
    use_clock(api.app, FixedClock(NOW))
    conv = await conversation(p.db, who.tenant_id, platform, customer, at=NOW)
    await record_referral(p.db, who.tenant_id, conv.id, source, at=NOW)
    return conv.model_copy(update={"source": source, "source_at": NOW})


async def _sell(api, who, conv, value=120.0, status=201):
    response = await api.post(
        f"/api/conversations/{conv.id}/conversion", json={"value": value, "currency": "USD"}, headers=who.auth
    )
    assert response.status == status, await response.text()


async def _events(api, who):
    response = await api.get("/api/integrations/conversions/events", headers=who.auth)
    assert response.status == 200
    return (await response.json())["events"]


async def _send(api, meta, at=NOW):
    p = platform_of(api)
    return await send_due_events(p.db, p.cipher, meta[1], at)


async def test_settings_keep_the_token_encrypted_and_show_it_masked(api, owner, rival):
    shown = await _set_up(api, owner, test_event_code="TEST123")
    assert shown["configured"] and shown["dataset_id"] == "998877" and shown["test_event_code"] == "TEST123"
    assert TOKEN not in str(shown) and shown["access_token"].startswith("EAAG")
    stored = await platform_of(api).db.conversions_settings.find_one({"tenant_id": owner.tenant_id})
    assert TOKEN not in str(stored)
    # Saving again without a token keeps the stored one.
    again = await api.put("/api/integrations/conversions", json={"dataset_id": "112233"}, headers=owner.auth)
    assert again.status == 200 and (await again.json())["access_token"] == shown["access_token"]

    other = await api.get("/api/integrations/conversions", headers=rival.auth)
    assert (await other.json())["configured"] is False
    first = await api.put("/api/integrations/conversions", json={"dataset_id": "1"}, headers=rival.auth)
    assert first.status == 422 and "access_token" in (await first.json())["error"]["fields"]
    bad = await api.put("/api/integrations/conversions", json={"dataset_id": "abc", "access_token": TOKEN}, headers=rival.auth)
    assert bad.status == 422 and "dataset_id" in (await bad.json())["error"]["fields"]


async def test_a_sale_and_a_qualified_lead_of_a_messenger_ad_reach_meta_once(api, owner, meta):
    await _set_up(api, owner, test_event_code="TEST123")
    conv = await _ad_conversation(api, owner)
    db = platform_of(api).db
    await save_lead_after_turn(db, conv, LeadState(stage=LeadStage.qualified), campaign_id="", previous=None, now=NOW)
    previous = await get_lead(db, owner.tenant_id, conv.id)
    await save_lead_after_turn(db, conv, LeadState(stage=LeadStage.proposal), campaign_id="", previous=previous, now=NOW)
    await _sell(api, owner, conv)
    await _sell(api, owner, conv, status=200)  # the same sale posted twice counts once

    assert await _send(api, meta) == 2
    assert await _send(api, meta) == 0  # nothing is sent twice
    fake = meta[0]
    names = sorted(event["event_name"] for event in fake.received())
    assert names == ["LeadSubmitted", "Purchase"]
    purchase = next(e for e in fake.received() if e["event_name"] == "Purchase")
    assert purchase["custom_data"] == {"currency": "USD", "value": 120.0}
    assert purchase["messaging_channel"] == "messenger" and purchase["action_source"] == "business_messaging"
    assert purchase["user_data"] == {"page_id": "acct-facebook", "page_scoped_user_id": "psid-1"}
    assert fake.requests[0]["body"]["test_event_code"] == "TEST123" and fake.requests[0]["path"] == "/v21.0/998877/events"
    assert fake.requests[0]["query"]["access_token"] == TOKEN

    events = await _events(api, owner)
    assert {e["state"] for e in events} == {"sent"} and all(e["words"] == "Meta received it." for e in events)
    assert all(e["answer"]["events_received"] == 1 for e in events)
    assert sorted(events, key=lambda e: e["event_name"])[1]["sent"] == next(
        e for e in fake.received() if e["event_name"] == "Purchase"
    )
    assert len({e["id"] for e in events}) == 2


async def test_conversations_not_from_an_ad_and_businesses_without_settings_send_nothing(api, owner, rival, meta):
    await _set_up(api, owner)
    plain = await conversation(platform_of(api).db, owner.tenant_id, "facebook", "walk-in", at=NOW)
    await _sell(api, owner, plain)
    unset = await _ad_conversation(api, rival, customer="psid-9")
    await _sell(api, rival, unset)

    assert await _send(api, meta) == 0 and meta[0].requests == []
    assert await _events(api, owner) == [] and await _events(api, rival) == []


async def test_whatsapp_needs_its_business_account_id_and_sends_the_click_id(api, owner, meta):
    await _set_up(api, owner)
    first = await _ad_conversation(api, owner, "whatsapp", "34600000001")
    await _sell(api, owner, first)
    await _send(api, meta)
    [refused] = await _events(api, owner)
    assert refused["state"] == "failed" and "WhatsApp Business Account id" in refused["words"]

    await _set_up(api, owner, whatsapp_business_account_id="4455")
    second = await _ad_conversation(api, owner, "whatsapp", "34600000002")
    await _sell(api, owner, second)
    assert await _send(api, meta) == 1
    [event] = meta[0].received()
    assert event["messaging_channel"] == "whatsapp"
    assert event["user_data"] == {"whatsapp_business_account_id": "4455", "ctwa_clid": AD.ctwa_clid}


async def test_instagram_events_name_the_account_and_the_customer(api, owner, meta):
    await _set_up(api, owner)
    conv = await _ad_conversation(api, owner, "instagram", "igsid-7")
    await _sell(api, owner, conv)
    assert await _send(api, meta) == 1
    assert meta[0].received()[0]["user_data"] == {"ig_account_id": "acct-instagram", "ig_sid": "igsid-7"}


@pytest.mark.parametrize(
    ("failure", "delay"),
    [((500, {"error": {"message": "An unexpected error has occurred", "code": 2, "is_transient": True}}), 0.0), (None, 4.0)],
    ids=["meta-5xx", "timeout"],
)
async def test_a_failure_meta_may_get_over_is_tried_again_later_and_then_sent(api, owner, meta, failure, delay):
    await _set_up(api, owner)
    conv = await _ad_conversation(api, owner)
    await _sell(api, owner, conv)
    fake = meta[0]
    fake.failing, fake.delay_s = failure, delay

    assert await _send(api, meta) == 0
    [waiting] = await _events(api, owner)
    assert waiting["state"] == "pending" and waiting["attempts"] == 1
    assert "sent again" in waiting["words"]
    assert await _send(api, meta, NOW + timedelta(seconds=30)) == 0  # the pause is not over yet
    assert len(fake.requests) == 1

    fake.failing, fake.delay_s = None, 0.0
    assert await _send(api, meta, NOW + timedelta(minutes=1)) == 1
    [sent] = await _events(api, owner)
    assert sent["state"] == "sent" and sent["attempts"] == 2
    assert len(fake.received()) == 1 and fake.received()[0]["event_id"] == sent["id"]


async def test_a_refusal_is_kept_with_metas_answer_and_not_retried(api, owner, meta):
    await _set_up(api, owner)
    conv = await _ad_conversation(api, owner)
    await _sell(api, owner, conv)
    meta[0].failing = (400, {"error": {"message": "Invalid parameter", "code": 100, "error_subcode": 2804066}})

    await _send(api, meta)
    await _send(api, meta, NOW + timedelta(hours=1))
    [refused] = await _events(api, owner)
    assert refused["state"] == "failed" and refused["answer"]["status"] == 400
    assert refused["words"].startswith("Meta refused it") and "Invalid parameter" in refused["words"]
    assert len(meta[0].requests) == 1


async def test_an_event_older_than_7_days_is_never_sent(api, owner, meta):
    await _set_up(api, owner)
    conv = await _ad_conversation(api, owner)
    await _sell(api, owner, conv)
    meta[0].failing = (503, {"error": {"message": "Service unavailable", "code": 2, "is_transient": True}})
    await _send(api, meta)
    meta[0].failing = None

    assert await _send(api, meta, NOW + timedelta(days=7)) == 0
    [expired] = await _events(api, owner)
    assert expired["state"] == "expired" and "7 days" in expired["words"]
    assert meta[0].received() == []


async def test_the_fake_refuses_an_old_event_as_meta_does(meta):
    fake, graph = meta
    old = {
        "event_name": "Purchase",
        "event_time": int((NOW - timedelta(days=8)).timestamp()),
        "event_id": "ev_1",
        "action_source": "business_messaging",
        "messaging_channel": "messenger",
        "user_data": {"page_id": "1", "page_scoped_user_id": "2"},
        "custom_data": {"currency": "USD", "value": 1},
    }
    with pytest.raises(Exception, match="7 days"):
        await graph.post("/998877/events", json={"data": [old]}, token=TOKEN)
    assert fake.received() == []


@pytest.mark.usefixtures("meta")
async def test_another_business_cannot_read_the_events(api, owner, rival):
    await _set_up(api, owner)
    conv = await _ad_conversation(api, owner)
    await _sell(api, owner, conv)
    assert len(await _events(api, owner)) == 1
    assert await _events(api, rival) == []


def test_every_worker_offers_the_sending_chore(api):
    assert "send-conversion-events" in [chore.name for chore in build_chores(platform_of(api))]


async def test_a_queued_event_is_sent_by_the_chore_of_whichever_process_runs_next(api, owner, api_graph, redis):
    from bot.runtime.housekeeping import run_due

    await _set_up(api, owner)
    conv = await _ad_conversation(api, owner)
    await _sell(api, owner, conv)
    # Nothing of the request that queued it is needed: the outbox is in MongoDB, read by a process's chore.
    chores = [c for c in build_chores(platform_of(api)) if c.name == "send-conversion-events"]
    assert await run_due(redis, chores) == ["send-conversion-events"]
    [call] = [c for c in api_graph[0].calls if c.path.endswith("/events")]
    assert call.path == "/v21.0/998877/events" and call.json["data"][0]["event_name"] == "Purchase"
    [event] = await _events(api, owner)
    assert event["state"] == "sent"


async def test_a_lead_qualified_by_a_turn_that_read_the_conversation_before_its_referral_is_still_told(api, owner, meta):
    await _set_up(api, owner)
    db = platform_of(api).db
    stale = await conversation(db, owner.tenant_id, "facebook", "psid-5", at=NOW)
    await save_lead_after_turn(db, stale, LeadState(stage=LeadStage.engaged), campaign_id="", previous=None, now=NOW)
    read_by_turn = await get_lead(db, owner.tenant_id, stale.id)
    await record_referral(db, owner.tenant_id, stale.id, AD, at=NOW)

    await save_lead_after_turn(db, stale, LeadState(stage=LeadStage.qualified), campaign_id="", previous=read_by_turn, now=NOW)
    assert await _send(api, meta) == 1
    assert [e["event_name"] for e in meta[0].received()] == ["LeadSubmitted"]
