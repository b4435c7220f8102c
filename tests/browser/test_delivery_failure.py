"""A customer's reply that could not be delivered, as the owner sees it in a real browser at phone and desktop size:
the banner and count on every page, the inbox row and the thread saying why with a Retry, the channel failing;
then Meta is back, Retry sends it, and every trace of the failure is gone."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import pytest
from argon2 import PasswordHasher

from tests.browser.conftest import MISSING, VIEWPORTS, Site, Visit
from tests.e2e.conftest import CAMPAIGN, PAGE_ID, eventually, messenger_text, remember_customer, signed
from tests.fakes_meta import FakeGraph
from tests.whole_app import owner_app_of

pytestmark = pytest.mark.skipif(bool(MISSING), reason=f"browser tests skipped: {MISSING}")

PASSWORD = "long enough password"


@pytest.fixture
async def failing_site(aiohttp_server, aiohttp_client, make_settings, redis) -> AsyncIterator[Site]:  # noqa: ARG001 # requested for what it sets up
    """The platform with a worker that gives a delivery up after two quick attempts (instead of five, 15 s apart)."""
    from bot.inbound.stream import InboundStream
    from bot.inbound.worker import Worker
    from bot.runtime.host import ENGINE, SERVICES
    from dashboard.context import DASHBOARD
    from dashboard.passwords import Passwords
    from tests.whole_app import create_app

    fake = FakeGraph()
    graph_server = await aiohttp_server(fake.app())
    app = create_app(make_settings(graph_api_url=str(graph_server.make_url("/v21.0"))), run_worker=False)
    client = await aiohttp_client(app)
    owner_app_of(app)[DASHBOARD].passwords = Passwords(PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    graph = app[SERVICES].graph
    graph.base_delay_s, graph.max_delay_s = 0.01, 0.05
    worker = Worker(
        InboundStream(app[SERVICES].redis, claim_idle_ms=300, max_attempts=2),
        app[ENGINE].dispatcher,
        app[SERVICES].metrics,
        name=f"browser-{time.monotonic_ns()}",
        gate=app[ENGINE].gate,
        claim_every_s=0.1,
    )
    task = asyncio.create_task(worker.run())
    try:
        yield Site(url=str(client.make_url("")).rstrip("/"), graph=fake, client=client, app=app)
    finally:
        await worker.stop()
        await asyncio.wait_for(task, 30)


async def business_with_a_page(site: Site, email: str) -> dict[str, str]:
    response = await site.client.post("/api/signup", json={"email": email, "password": PASSWORD, "business_name": "Harbour Yoga"})
    assert response.status == 201
    headers = {"Authorization": f"Bearer {(await response.json())['api_token']}"}
    assert (await site.client.post("/api/campaigns", json=CAMPAIGN, headers=headers)).status == 201
    channel = {"platform": "facebook", "account_id": PAGE_ID, "access_token": "EAAtest-page-token-123456", "name": "Harbour page"}
    assert (await site.client.post("/api/channels", json=channel, headers=headers)).status == 201
    return headers


async def log_in(visit: Visit, site: Site, email: str) -> None:
    page = visit.page
    await page.goto(site.url + "/login")
    await page.fill("[name=email]", email)
    await page.fill("[name=password]", PASSWORD)
    await page.locator("main").get_by_role("button", name="Log in").click()
    await page.wait_for_url("**/dashboard")


@pytest.mark.parametrize("viewport", sorted(VIEWPORTS))
async def test_a_reply_that_could_not_be_delivered_is_seen_and_retried(
    failing_site: Site, open_visit, redis, viewport: str
) -> None:
    from bot.runtime.embedded import free_port
    from bot.runtime.host import SERVICES

    site = failing_site
    email = f"{viewport}-failure@example.com"
    headers = await business_with_a_page(site, email)
    graph = site.app[SERVICES].graph
    reachable = graph.base_url
    graph.base_url = f"http://127.0.0.1:{free_port()}/v21.0"  # Meta cannot be reached from here on

    await remember_customer(redis, "facebook", PAGE_ID, "PSID_MAYA", "Maya")
    raw, signature = signed(messenger_text("Do you have mats for beginners?", psid="PSID_MAYA"))
    assert (await site.client.post("/webhooks/messenger", data=raw, headers=signature)).status == 200

    async def failed() -> bool:
        listed = await (await site.client.get("/api/conversations?delivery=failed", headers=headers)).json()
        return bool(listed["conversations"])

    await eventually(failed, timeout=60, what="the conversation failed")

    visit: Visit = await open_visit(viewport)
    page = visit.page
    await log_in(visit, site, email)
    banner = page.locator("[data-delivery-banner]")
    assert "1 customer did not get an answer." in await banner.inner_text()
    assert await page.locator("[data-trouble-count]").get_attribute("data-trouble-count") == "2"  # the customer, the page
    await visit.check("dashboard-failing")

    await banner.get_by_role("link", name="See who is waiting").click()
    await page.wait_for_url("**/inbox?delivery=failed")
    row = page.locator("[data-live-list] > li").first
    assert await row.locator('[data-field="delivery"] .badge').inner_text() == "Not answered"
    assert "Facebook could not be reached" in await row.locator(".reason").inner_text()
    await visit.check("inbox-not-answered")

    await page.goto(site.url + "/integrations")
    channel = page.locator("[data-channel]").first
    assert await channel.locator("[data-health]").inner_text() == "Failing"
    assert "Messages are not going out: Facebook could not be reached." in await channel.inner_text()
    await visit.check("channel-failing")

    await page.goto(site.url + "/inbox?delivery=failed")
    await page.locator("[data-live-list] > li").first.get_by_role("link").first.click()
    await page.wait_for_url("**/conversations/*")
    alert = page.locator("[data-delivery]")
    assert "Not answered." in await alert.inner_text()
    assert "press Retry" in await alert.inner_text()
    await visit.check("thread-not-answered")

    # Meta is back: one press on Retry sends the kept reply, once.
    graph.base_url = reachable
    before = len(site.graph.delivered)
    await alert.get_by_role("button", name="Retry").click()
    await page.wait_for_selector("text=Sent: the customer has the message now.")
    assert len(site.graph.delivered) == before + 1
    assert await page.locator("[data-delivery]").count() == 0
    assert await page.locator("[data-delivery-banner]").count() == 0
    await visit.check("thread-retried")

    await page.goto(site.url + "/integrations")
    assert await page.locator("[data-channel] [data-health]").first.inner_text() == "Working"
    await visit.check("channel-working")
