"""Follow-ups end to end, on the injected clock: a price answer plans a nudge, which goes once when due; a customer
who writes, STOP, a person taking over or the owner's cancel drop it; outside the window Messenger gets nothing and
WhatsApp gets the campaign's approved template; two workers send it once."""

from __future__ import annotations

import asyncio
import re
import uuid
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.follow_ups.scheduler import run_scheduler
from bot.inbound.stream import InboundStream
from bot.inbound.worker import Worker
from bot.runtime.engine import build_engine
from bot.runtime.services import open_services
from bot.runtime.settings import Settings
from tests.clocks import SettableClock
from tests.e2e.conftest import (
    CAMPAIGN,
    PAGE_ID,
    WA_PHONE_ID,
    Tenant,
    connect_channel,
    conversation_of,
    eventually,
    messenger_text,
    post_webhook,
    remember_customer,
    seeded_tenant,
    settled,
    whatsapp_delivery,
    whatsapp_value,
)
from tests.fakes_meta import FakeGraph
from tests.whole_app import create_app, use_clock

PRICE = "How much is the yoga pass?"
NUDGE_EN = "Just checking in: any questions about Yoga Pass? I'm happy to help."
WABA_ID = "9990001112"


def with_follow_ups(*follow_ups: dict[str, Any], platform: str = "facebook") -> dict[str, Any]:
    return {**CAMPAIGN, "target_platform": platform, "follow_ups": list(follow_ups)}


def daytime_zone(now: datetime) -> str:
    """A fixed-offset zone where it is about noon now, so no nudge of these tests falls in the quiet hours."""
    offset = max(-12, min(14, 12 - now.hour))
    return "Etc/GMT" if offset == 0 else f"Etc/GMT{-offset:+d}"


@asynccontextmanager
async def worker_on(settings: Settings, clock: SettableClock, name: str = "w") -> AsyncIterator[None]:
    """A worker process's loops (the queue worker and the follow-ups' scheduler) reading `clock`."""
    async with open_services(settings) as services:
        services.clock = clock
        engine = build_engine(services)
        worker = Worker(InboundStream(services.redis), engine.dispatcher, services.metrics, name=name, gate=engine.gate)
        stopping = asyncio.Event()
        tasks = [
            asyncio.create_task(worker.run()),
            asyncio.create_task(run_scheduler(engine.follow_ups, services.db, clock, stopping, tick_s=0.05)),
        ]
        try:
            yield
        finally:
            stopping.set()
            await worker.stop()
            await asyncio.wait_for(asyncio.gather(*tasks), 10)


@pytest.fixture
def clock() -> SettableClock:
    return SettableClock(datetime.now(UTC))


async def business(client, clock: SettableClock, campaign: dict[str, Any]) -> Tenant:
    tenant = await seeded_tenant(client, campaign=campaign)
    response = await client.put("/api/settings/bot", json={"timezone": daytime_zone(clock.now())}, headers=tenant.headers)
    assert response.status == 200, await response.text()
    return tenant


async def write(client, redis, psid: str, text: str, *, at: datetime | None = None) -> None:
    await remember_customer(redis, "facebook", PAGE_ID, psid)
    body = messenger_text(text, psid=psid)
    if at is not None:  # written at this time of the test's clock
        body["entry"][0]["time"] = body["entry"][0]["messaging"][0]["timestamp"] = int(at.timestamp() * 1000)
    await post_webhook(client, "messenger", body)


async def planned(client, tenant: Tenant, customer_id: str) -> dict[str, Any]:
    async def check() -> dict[str, Any] | None:
        detail = await conversation_of(client, tenant, customer_id)
        return detail if detail and detail.get("follow_up") else None

    return await eventually(check, timeout=30, what="a follow-up planned")  # the first turn loads the language models


def texts_to(fake: FakeGraph, recipient: str) -> list[str]:
    out = []
    for call in fake.sends():
        if (call.json.get("recipient") or {}).get("id") == recipient or call.json.get("to") == recipient:
            out.append((call.json.get("message") or {}).get("text") or (call.json.get("text") or {}).get("body", ""))
    return out


async def test_a_price_answer_plans_a_nudge_that_goes_once_when_due(aiohttp_client, graph, make_settings, redis, clock):
    fake, url = graph
    settings = make_settings(graph_api_url=url)
    client = await aiohttp_client(create_app(settings, run_worker=False))
    tenant = await business(client, clock, with_follow_ups({"after_minutes": 60, "after": "price"}))
    async with worker_on(settings, clock):
        await write(client, redis, "PSID_FU1", PRICE)
        detail = await planned(client, tenant, "PSID_FU1")
        assert "49" in texts_to(fake, "PSID_FU1")[0]
        assert detail["follow_up"]["kind"] == "price"
        due = datetime.fromisoformat(detail["follow_up"]["due_at"])
        assert timedelta(minutes=59) < due - clock.now() <= timedelta(minutes=60)
        await asyncio.sleep(0.3)
        assert len(texts_to(fake, "PSID_FU1")) == 1, "nothing before it is due"
        clock.advance(timedelta(minutes=61))
        await eventually(lambda: len(texts_to(fake, "PSID_FU1")) == 2, what="the nudge")
        await asyncio.sleep(0.5)
    assert texts_to(fake, "PSID_FU1")[1] == NUDGE_EN
    assert len(texts_to(fake, "PSID_FU1")) == 2, "sent once"
    after = await conversation_of(client, tenant, "PSID_FU1")
    assert after is not None and after.get("follow_up") is None
    assert after["follow_ups_sent"] == 1
    assert [m["text"] for m in after["messages"] if m["direction"] == "out"][-1] == NUDGE_EN


async def test_the_customer_writing_cancels_the_nudge_and_counts_a_reply_to_a_sent_one(
    aiohttp_client, graph, make_settings, redis, clock
):
    fake, url = graph
    settings = make_settings(graph_api_url=url)
    client = await aiohttp_client(create_app(settings, run_worker=False))
    tenant = await business(client, clock, with_follow_ups({"after_minutes": 30, "after": "price"}))
    async with worker_on(settings, clock):
        await write(client, redis, "PSID_FU2", PRICE)
        first = await planned(client, tenant, "PSID_FU2")
        clock.advance(timedelta(minutes=10))
        await write(client, redis, "PSID_FU2", "STOP")
        await settled(redis)

        async def dropped() -> bool:
            detail = await conversation_of(client, tenant, "PSID_FU2")
            return bool(detail) and detail.get("follow_up") is None and detail["status"] == "opted_out"

        await eventually(dropped, what="the plan dropped")
        sent_before = len(texts_to(fake, "PSID_FU2"))
        clock.advance(timedelta(minutes=60))
        await asyncio.sleep(0.5)
    assert first["follow_up"]["kind"] == "price"
    assert len(texts_to(fake, "PSID_FU2")) == sent_before, "no nudge after STOP"


async def test_a_person_taking_over_or_the_owner_s_cancel_drops_the_nudge(aiohttp_client, graph, make_settings, redis, clock):
    fake, url = graph
    settings = make_settings(graph_api_url=url)
    client = await aiohttp_client(create_app(settings, run_worker=False))
    tenant = await business(client, clock, with_follow_ups({"after_minutes": 30, "after": "price"}))
    other = await seeded_tenant(client, page_id="4445556667", email="other@example.com")
    async with worker_on(settings, clock):
        await write(client, redis, "PSID_FU3", PRICE)
        await write(client, redis, "PSID_FU4", PRICE)
        one = await planned(client, tenant, "PSID_FU3")
        two = await planned(client, tenant, "PSID_FU4")
        response = await client.delete(f"/api/conversations/{one['id']}/follow-up", headers=other.headers)
        assert response.status == 404, "another business's conversation is not found"
        response = await client.delete(f"/api/conversations/{one['id']}/follow-up", headers=tenant.headers)
        assert response.status == 200, await response.text()
        assert (await response.json()).get("follow_up") is None
        response = await client.post(f"/api/conversations/{two['id']}/takeover", headers=tenant.headers)
        assert response.status == 200
        assert (await response.json()).get("follow_up") is None
        clock.advance(timedelta(minutes=45))
        await asyncio.sleep(0.5)
    assert len(texts_to(fake, "PSID_FU3")) == 1 and len(texts_to(fake, "PSID_FU4")) == 1


async def test_outside_the_window_messenger_gets_no_nudge(aiohttp_client, graph, make_settings, redis, clock):
    fake, url = graph
    settings = make_settings(graph_api_url=url)
    client = await aiohttp_client(create_app(settings, run_worker=False))
    tenant = await business(client, clock, with_follow_ups({"after_minutes": 60, "after": "price"}))
    async with worker_on(settings, clock):
        await write(client, redis, "PSID_FU5", PRICE)
        await planned(client, tenant, "PSID_FU5")
        fake.outside_window.add("PSID_FU5")
        clock.advance(timedelta(hours=25))  # every worker was down past the window's end

        async def dropped() -> bool:
            detail = await conversation_of(client, tenant, "PSID_FU5")
            return bool(detail) and detail.get("follow_up") is None

        await eventually(dropped, what="the plan dropped")
    assert len(texts_to(fake, "PSID_FU5")) == 1, "no free text, and no retired tag, after the window"
    assert not [c for c in fake.sends() if c.json.get("tag")]
    detail = await conversation_of(client, tenant, "PSID_FU5")
    assert detail is not None and detail["delivery"] == "ok", "a nudge not sent is no failed reply"


async def test_on_whatsapp_after_the_window_the_approved_template_goes(aiohttp_client, graph, make_settings, redis, clock):  # noqa: ARG001 # requested for what it sets up
    fake, url = graph
    settings = make_settings(graph_api_url=url)
    client = await aiohttp_client(create_app(settings, run_worker=False))
    template = {"name": "yoga_followup", "language": "en_US", "parameters": ["customer_name", "product_name"]}
    campaign = with_follow_ups({"after_minutes": 60 * 26, "after": "price", "template": template}, platform="whatsapp")
    tenant = await business(client, clock, campaign)
    await connect_channel(client, tenant, "whatsapp", WA_PHONE_ID)
    async with worker_on(settings, clock):
        await post_webhook(client, "whatsapp", whatsapp_delivery(whatsapp_value([("15550009999", "wamid.IN1", PRICE)])))
        detail = await planned(client, tenant, "15550009999")
        assert detail["follow_up"]["template"] is True
        fake.outside_window.add("15550009999")
        clock.advance(timedelta(hours=27))
        await eventually(lambda: fake.template_sends(), what="the template send")
        await asyncio.sleep(0.3)
    [call] = fake.template_sends()
    assert call.path.endswith(f"/{WA_PHONE_ID}/messages")
    assert call.json["template"]["name"] == "yoga_followup"
    assert call.json["template"]["language"] == {"code": "en_US"}
    parameters = call.json["template"]["components"][0]["parameters"]
    assert [p["text"] for p in parameters] == ["Customer 15550009999", "Yoga Pass"]
    after = await conversation_of(client, tenant, "15550009999")
    assert after is not None and after["follow_ups_sent"] == 1


async def test_a_refused_template_is_shown_to_the_owner_in_words(aiohttp_client, graph, make_settings, redis, clock):  # noqa: ARG001 # requested for what it sets up
    fake, url = graph
    settings = make_settings(graph_api_url=url)
    client = await aiohttp_client(create_app(settings, run_worker=False))
    template = {"name": "paused_one", "language": "en_US", "parameters": []}
    campaign = with_follow_ups({"after_minutes": 60 * 26, "after": "price", "template": template}, platform="whatsapp")
    tenant = await business(client, clock, campaign)
    await connect_channel(client, tenant, "whatsapp", WA_PHONE_ID)
    fake.template_refusals["paused_one"] = 132015
    async with worker_on(settings, clock):
        await post_webhook(client, "whatsapp", whatsapp_delivery(whatsapp_value([("15550008888", "wamid.IN2", PRICE)])))
        await planned(client, tenant, "15550008888")
        clock.advance(timedelta(hours=27))

        async def failed() -> dict[str, Any] | None:
            detail = await conversation_of(client, tenant, "15550008888")
            return detail if detail and detail["delivery"] == "failed" else None

        detail = await eventually(failed, what="the refusal shown")
    assert "template" in detail["delivery_error"] and "132015" not in detail["delivery_error"]
    assert detail["messages"][-1]["error"]["message"].startswith("Not sent: WhatsApp refused the follow-up's template")


async def test_two_workers_send_a_due_nudge_once(aiohttp_client, graph, make_settings, redis, clock):
    fake, url = graph
    settings = make_settings(graph_api_url=url)
    client = await aiohttp_client(create_app(settings, run_worker=False))
    tenant = await business(client, clock, with_follow_ups({"after_minutes": 60, "after": "price"}))
    async with AsyncExitStack() as workers:
        await workers.enter_async_context(worker_on(settings, clock, "one"))
        await workers.enter_async_context(worker_on(settings, clock, "two"))
        for n in range(6):
            await write(client, redis, f"PSID_TW{n}", PRICE)
        for n in range(6):
            await planned(client, tenant, f"PSID_TW{n}")
        clock.advance(timedelta(minutes=61))
        await eventually(lambda: all(len(texts_to(fake, f"PSID_TW{n}")) >= 2 for n in range(6)), what="every nudge")
        await asyncio.sleep(0.5)
    assert [len(texts_to(fake, f"PSID_TW{n}")) for n in range(6)] == [2] * 6


async def test_the_templates_of_a_whatsapp_number_are_read_from_meta(aiohttp_client, graph, make_settings, redis):  # noqa: ARG001 # requested for what it sets up
    fake, url = graph
    client = await aiohttp_client(create_app(make_settings(graph_api_url=url), run_worker=False))
    email = f"owner-{uuid.uuid4().hex[:8]}@example.com"
    tenant = await seeded_tenant(client, email=email)
    number = await connect_channel(client, tenant, "whatsapp", WA_PHONE_ID)
    channels = await (await client.get("/api/channels", headers=tenant.headers)).json()
    page = next(c for c in channels["channels"] if c["platform"] == "facebook")
    fake.templates[WABA_ID] = [
        {
            "name": "yoga_followup",
            "language": "en_US",
            "status": "APPROVED",
            "category": "UTILITY",
            "components": [{"type": "BODY", "text": "Hi {{1}}, still thinking about {{2}}?"}],
        },
        {"name": "draft_one", "language": "en_US", "status": "PENDING", "category": "MARKETING", "components": []},
    ]
    response = await client.get(f"/api/channels/{number['id']}/templates", headers=tenant.headers)
    assert response.status == 400, "the business account is needed once"
    assert "waba_id" in (await response.json())["error"]["message"]
    response = await client.get(f"/api/channels/{number['id']}/templates?waba_id={WABA_ID}", headers=tenant.headers)
    assert response.status == 200, await response.text()
    body = await response.json()
    assert [t["name"] for t in body["templates"]] == ["yoga_followup"]
    assert body["templates"][0]["parameters"] == 2
    again = await client.get(f"/api/channels/{number['id']}/templates", headers=tenant.headers)
    assert again.status == 200, "the business account is remembered"
    # The campaign form offers the approved ones by name and language, with their text to map the parameters.
    await page_login(client, email)
    form = await (await client.get("/campaigns/new")).text()
    assert '<option value="yoga_followup">' in form and "draft_one" not in form
    assert 'list="wa-template-names"' in form and '<option value="en_US">' in form
    assert "Hi {{1}}, still thinking about {{2}}?" in form
    listed = fake.templates.pop(WABA_ID)  # Meta refuses the listing now
    form = await (await client.get("/campaigns/new")).text()
    fake.templates[WABA_ID] = listed
    assert 'name="follow_ups.0.template.name"' in form and "wa-template-names" not in form, "typed by hand"
    response = await client.get(f"/api/channels/{page['id']}/templates", headers=tenant.headers)
    assert response.status == 409
    response = await client.get(f"/api/channels/{number['id']}/templates?waba_id=123", headers=tenant.headers)
    assert response.status == 409, "Meta refused to list that account"
    assert "WhatsApp refused" in (await response.json())["error"]["message"]


async def page_login(client, tenant_email: str) -> str:
    """A session for the owner's pages; the CSRF token its forms carry."""
    page = await (await client.get("/login")).text()
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token
    response = await client.post(
        "/login",
        data={"email": tenant_email, "password": "correct horse battery", "csrf_token": token.group(1)},
        allow_redirects=False,
    )
    assert response.status == 303
    return (await (await client.get("/api/me")).json())["csrf_token"]


async def test_the_thread_shows_the_plan_in_the_business_s_time_and_counts_what_nudges_bring(
    aiohttp_client, graph, make_settings, redis, clock
):
    fake, url = graph
    settings = make_settings(graph_api_url=url)
    client = await aiohttp_client(create_app(settings, run_worker=False))
    use_clock(client.server.app, clock)
    email = "nudges@example.com"
    tenant = await seeded_tenant(client, campaign=with_follow_ups({"after_minutes": 60, "after": "price"}), email=email)
    zone = daytime_zone(clock.now())
    await client.put("/api/settings/bot", json={"timezone": zone}, headers=tenant.headers)
    async with worker_on(settings, clock):
        await write(client, redis, "PSID_FU7", PRICE)
        await write(client, redis, "PSID_FU8", PRICE)
        detail = await planned(client, tenant, "PSID_FU7")
        other = await planned(client, tenant, "PSID_FU8")
        csrf = await page_login(client, email)
        html = await (await client.get(f"/conversations/{detail['id']}")).text()
        due = datetime.fromisoformat(detail["follow_up"]["due_at"]).astimezone(ZoneInfo(zone))
        assert re.search(rf"Follow-up planned at [^<]*{due:%H:%M} \(after a price was given\)", html), html
        form = re.search(r'<form method="post" action="(/conversations/[^"]+/follow-up/cancel)"[^>]*>(.*?)</form>', html)
        assert form and 'name="csrf_token"' in form.group(2) and "Cancel follow-up" in form.group(2)
        refused = await client.post(form.group(1), data={}, allow_redirects=False)
        assert refused.status == 403, "no form without its CSRF token"
        done = await client.post(form.group(1), data={"csrf_token": csrf}, allow_redirects=False)
        assert done.status == 303
        after = await (await client.get(done.headers["Location"])).text()
        assert "Follow-up planned" not in after and "nothing will be sent" in after

        clock.advance(timedelta(minutes=61))
        await eventually(lambda: len(texts_to(fake, "PSID_FU8")) == 2, what="the other's nudge")
        assert len(texts_to(fake, "PSID_FU7")) == 1, "the cancelled one stays unsent"
        await write(client, redis, "PSID_FU8", "Sounds good, I'll take it", at=clock.now())
        await settled(redis)
        response = await client.post(
            f"/api/conversations/{other['id']}/conversion", json={"value": 49, "currency": "USD"}, headers=tenant.headers
        )
        assert response.status == 201
    thread = await (await client.get(f"/conversations/{other['id']}")).text()
    assert "Follow-ups sent in this conversation: 1" in thread
    assert thread.count("· Follow-up") == 1, "the nudge is marked in the thread"
    day = clock.now().astimezone(ZoneInfo(zone)).date().isoformat()
    report = await (await client.get(f"/api/analytics?from={day}&to={day}", headers=tenant.headers)).json()
    totals = report["totals"]
    assert (totals["follow_ups_sent"], totals["follow_up_replies"], totals["follow_up_sales"]) == (1, 1, 1)


async def test_a_planned_nudge_survives_a_restart_of_every_worker(aiohttp_client, graph, make_settings, redis, clock):
    fake, url = graph
    settings = make_settings(graph_api_url=url)
    client = await aiohttp_client(create_app(settings, run_worker=False))
    tenant = await business(client, clock, with_follow_ups({"after_minutes": 60, "after": "link"}))
    async with worker_on(settings, clock, "before"):
        await write(client, redis, "PSID_FU9", "I want to buy the yoga pass")
        detail = await planned(client, tenant, "PSID_FU9")
    assert "https://example.com/buy" in texts_to(fake, "PSID_FU9")[0]
    assert detail["follow_up"]["kind"] == "link"
    clock.advance(timedelta(minutes=61))  # due while no worker runs
    async with worker_on(settings, clock, "after"):
        await eventually(lambda: len(texts_to(fake, "PSID_FU9")) == 2, what="the nudge after the restart")
        await asyncio.sleep(0.3)
    assert texts_to(fake, "PSID_FU9")[1] == NUDGE_EN and len(texts_to(fake, "PSID_FU9")) == 2


async def test_a_second_follow_up_for_the_same_moment_follows_the_first(aiohttp_client, graph, make_settings, redis, clock):
    fake, url = graph
    settings = make_settings(graph_api_url=url)
    client = await aiohttp_client(create_app(settings, run_worker=False))
    rules = ({"after_minutes": 30, "after": "price"}, {"after_minutes": 120, "after": "price", "text": "Shall I hold a pass?"})
    tenant = await business(client, clock, with_follow_ups(*rules))
    async with worker_on(settings, clock):
        await write(client, redis, "PSID_FU10", PRICE)
        await planned(client, tenant, "PSID_FU10")
        clock.advance(timedelta(minutes=31))
        await eventually(lambda: len(texts_to(fake, "PSID_FU10")) == 2, what="the first nudge")
        second = await planned(client, tenant, "PSID_FU10")
        assert second["follow_up"]["kind"] == "price" and second["follow_ups_sent"] == 1
        clock.advance(timedelta(minutes=90))
        await eventually(lambda: len(texts_to(fake, "PSID_FU10")) == 3, what="the second nudge")
        await asyncio.sleep(0.3)
    assert texts_to(fake, "PSID_FU10")[1:] == [NUDGE_EN, "Shall I hold a pass?"]
    detail = await conversation_of(client, tenant, "PSID_FU10")
    assert detail is not None and detail.get("follow_up") is None and detail["follow_ups_sent"] == 2
