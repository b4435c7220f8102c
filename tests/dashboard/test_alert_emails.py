"""Alert emails: an owner hears of customers left without an answer through the SMTP server in the settings, once
for a burst of failures, again only when something new fails an hour later; nothing without SMTP_HOST."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from aiohttp.test_utils import TestClient

from bot.conversations import store as convs
from bot.conversations.undelivered import note_failed
from bot.outbound_webhooks.endpoints import WebhookIn, create_endpoint, get_endpoint, pause_endpoint
from bot.runtime.host import SETTINGS
from dashboard.alert_mail import alert_due
from dashboard.alerts import AlertMailer
from tests.clocks import SettableClock
from tests.dashboard.conftest import SignedUp, platform_of
from tests.fakes.smtp_server import FakeSmtp

T0 = datetime(2026, 5, 4, 9, 0, tzinfo=UTC)


def test_an_alert_is_due_for_news_at_most_once_an_hour() -> None:
    assert not alert_due(newest_trouble=None, last_sent=None, now=T0)
    assert alert_due(newest_trouble=T0, last_sent=None, now=T0)
    # A failure that began before the last email is not news, however long it lasts.
    assert not alert_due(newest_trouble=T0, last_sent=T0 + timedelta(minutes=1), now=T0 + timedelta(days=1))
    # Something new within the hour waits; after it, it is told.
    later = T0 + timedelta(minutes=20)
    assert not alert_due(newest_trouble=later, last_sent=T0, now=later)
    assert alert_due(newest_trouble=later, last_sent=T0, now=T0 + timedelta(minutes=61))


@pytest.fixture
async def smtp() -> AsyncIterator[FakeSmtp]:
    server = await FakeSmtp().start()
    yield server
    await server.stop()


def mailer(api: TestClient, smtp: FakeSmtp, clock: SettableClock) -> AlertMailer:
    p = platform_of(api)
    settings = api.app[SETTINGS].model_copy(
        update={"smtp_host": "127.0.0.1", "smtp_port": smtp.port, "smtp_security": "none", "smtp_from": "alerts@example.com"}
    )
    return AlertMailer(p.db, p.redis, settings, clock)


async def fail(api: TestClient, owner: SignedUp, customer: str, at: datetime) -> None:
    db = platform_of(api).db
    conversation, _ = await convs.create_conversation(db, owner.tenant_id, "facebook", "102030", customer, now=at)
    await note_failed(db, conversation, problem="unreachable", message_id="", now=at)


async def test_one_burst_of_failures_sends_one_email_and_a_new_failure_an_hour_later_one_more(
    api: TestClient, owner: SignedUp, smtp: FakeSmtp
) -> None:
    clock = SettableClock(datetime.now(UTC))
    alerts = mailer(api, smtp, clock)
    assert await alerts.check_once() == 0  # nothing failing: nothing sent

    await fail(api, owner, "PSID_1", clock.now())
    assert await alerts.check_once() == 1
    [first] = smtp.messages
    assert first.recipients == ["owner@example.com"]
    assert first.message["Subject"] == "Acme Shoes: customers are not getting answers"
    body = first.message.get_content()
    assert "1 customer did not get an answer." in body and "/inbox?delivery=failed" in body

    # The rest of the burst: fifty more customers within minutes, polled every 30 s. No second email.
    for minute in range(1, 30):
        clock.advance(timedelta(minutes=1))
        await fail(api, owner, f"PSID_B{minute}", clock.now())
        await fail(api, owner, f"PSID_C{minute}", clock.now())
        assert await alerts.check_once() == 0
    assert len(smtp.messages) == 1

    # An hour after the email, the failures that began after it are told once, with the count as it stands.
    clock.advance(timedelta(minutes=31))
    assert await alerts.check_once() == 1
    assert "59 customers did not get an answer." in smtp.messages[1].message.get_content()
    # And a failure that simply goes on is not told again.
    clock.advance(timedelta(hours=2))
    assert await alerts.check_once() == 0
    assert len(smtp.messages) == 2


async def test_two_processes_send_one_email(api: TestClient, owner: SignedUp, smtp: FakeSmtp) -> None:
    clock = SettableClock(datetime.now(UTC))
    await fail(api, owner, "PSID_1", clock.now())
    first, second = mailer(api, smtp, clock), mailer(api, smtp, clock)
    assert await first.check_once() + await second.check_once() == 1
    assert len(smtp.messages) == 1


async def test_an_smtp_server_away_sends_nothing_and_is_tried_again_later(
    api: TestClient, owner: SignedUp, smtp: FakeSmtp
) -> None:
    clock = SettableClock(datetime.now(UTC))
    await fail(api, owner, "PSID_1", clock.now())
    alerts = mailer(api, smtp, clock)
    await smtp.stop()
    assert await alerts.check_once() == 0
    restarted = await FakeSmtp().start()
    try:
        alerts = mailer(api, restarted, clock)
        clock.advance(timedelta(minutes=6))
        assert await alerts.check_once() == 1
        assert len(restarted.messages) == 1
    finally:
        await restarted.stop()


async def test_without_smtp_host_no_alert_loop_runs(api: TestClient) -> None:
    assert not api.app[SETTINGS].smtp_host
    assert not [task for task in asyncio.all_tasks() if task.get_name() == "alerts"]


async def test_a_crm_webhook_paused_after_a_day_of_failures_is_told_by_email(
    api: TestClient, owner: SignedUp, smtp: FakeSmtp
) -> None:
    clock = SettableClock(datetime.now(UTC))
    alerts = mailer(api, smtp, clock)
    p = platform_of(api)
    body = WebhookIn(url="https://crm.example.com/hooks", events=["sale.recorded"])
    created = await create_endpoint(p.db, p.cipher, owner.tenant_id, body, clock.now())
    assert created is not None
    assert await alerts.check_once() == 0  # an active endpoint is nothing to tell

    endpoint = await get_endpoint(p.db, owner.tenant_id, created[0].id)
    assert endpoint is not None
    await pause_endpoint(p.db, endpoint, "answered HTTP 500", clock.now())
    assert await alerts.check_once() == 1
    [email] = smtp.messages
    assert email.message["Subject"] == "Acme Shoes: your CRM is not receiving events"
    content = email.message.get_content()
    assert "Your CRM at crm.example.com kept refusing events for a day" in content and "/settings#webhooks" in content
