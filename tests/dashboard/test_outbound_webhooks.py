"""Outbound webhooks as an owner sets them up and as their CRM receives them: signed events, retried for a day and
then paused with the owner told, redirects and unsafe addresses refused (at save and, after DNS changes, at
delivery), the test button, secret rotation, and nothing of one business reachable by another."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.outbound_webhooks.delivery import deliver_due, forget_delivered
from bot.pipeline.types import LeadStage, LeadState
from bot.runtime.housekeeping import build_chores, run_due
from bot.sales import leads
from tests.clocks import SettableClock
from tests.dashboard.conftest import platform_of
from tests.dashboard.seeding import conversation
from tests.dashboard.test_pages import form_login, hidden_token
from tests.fakes.crm_receiver import FakeCrm
from tests.whole_app import use_clock, use_dns, use_settings

NOW = datetime(2026, 6, 30, 15, 0, tzinfo=UTC)
ALL_EVENTS = ["lead.created", "lead.stage_changed", "conversation.handoff", "sale.recorded", "conversation.closed"]


class Dns:
    """Answers each name with the addresses a test gives it, and can change its answer (DNS rebinding)."""

    def __init__(self, **names: list[str]) -> None:
        self.names = {name.replace("_", "."): addresses for name, addresses in names.items()}
        self.asked: list[str] = []

    async def addresses(self, host: str, port: int) -> list[str]:  # noqa: ARG002 # the resolver's interface passes the port
        self.asked.append(host)
        if host not in self.names:
            raise OSError(f"{host}: name unknown")
        return self.names[host]


def _allow_private(api, allowed: bool = True, **more) -> None:
    settings = platform_of(api).settings
    use_settings(api.server.app, settings.model_copy(update={"outbound_webhooks_allow_private": allowed, **more}))


@pytest.fixture
def clock(api) -> SettableClock:
    clock = SettableClock(NOW)
    use_clock(api.server.app, clock)
    return clock


@pytest.fixture
async def crm(aiohttp_server, api, clock):
    fake = FakeCrm(clock=clock)
    server = await aiohttp_server(fake.app())
    _allow_private(api)
    fake.url = str(server.make_url("/hooks"))  # type: ignore[attr-defined]
    return fake


async def _add(api, who, url, events=None, status=201):
    response = await api.post("/api/webhooks", json={"url": url, "events": events or ALL_EVENTS}, headers=who.auth)
    assert response.status == status, await response.text()
    return await response.json()


async def _subscribed(api, who, crm, events=None):
    created = await _add(api, who, crm.url, events)
    crm.secret = created["secret"]
    return created


async def _sell(api, who, conv, value=120.5):
    response = await api.post(
        f"/api/conversations/{conv.id}/conversion", json={"value": value, "currency": "EUR"}, headers=who.auth
    )
    assert response.status == 201, await response.text()
    return await response.json()


async def _deliver(api, clock):
    p = platform_of(api)
    return await deliver_due(p.db, p.cipher, p.webhook_rules(), clock.now())


async def _listed(api, who):
    response = await api.get("/api/webhooks", headers=who.auth)
    assert response.status == 200
    return (await response.json())["webhooks"]


async def test_the_secret_is_shown_once_and_stored_encrypted(api, owner, crm):
    created = await _subscribed(api, owner, crm, ["sale.recorded"])
    assert created["secret"].startswith("whsec_") and created["events"] == ["sale.recorded"]
    assert created["state"] == "active" and created["attempts"] == []
    [listed] = await _listed(api, owner)
    assert listed["id"] == created["id"] and "secret" not in listed
    stored = await platform_of(api).db.webhook_endpoints.find_one({"_id": created["id"]})
    assert created["secret"] not in str(stored) and created["secret"][6:] not in str(stored)


async def test_a_sale_reaches_the_crm_once_signed_with_the_fields_it_needs(api, owner, crm, clock):
    await _subscribed(api, owner, crm)
    conv = await conversation(platform_of(api).db, owner.tenant_id, "whatsapp", "34600000001", at=NOW, name="Ana")
    sale = await _sell(api, owner, conv)

    assert await _deliver(api, clock) == 1
    assert await _deliver(api, clock) == 0  # nothing is sent twice
    again = await api.post(
        f"/api/conversations/{conv.id}/conversion", json={"value": 120.5, "currency": "EUR"}, headers=owner.auth
    )
    assert again.status == 200  # the same sale posted again: recorded once, and told once
    assert await _deliver(api, clock) == 0
    [event] = crm.events()
    assert crm.refused == []
    assert event["type"] == "sale.recorded" and event["timestamp"] == "2026-06-30T15:00:00Z"
    assert event["data"] == {
        "sale_id": sale["id"],
        "conversation_id": conv.id,
        "lead_id": "",
        "platform": "whatsapp",
        "customer_id": "34600000001",
        "campaign_id": "",
        "amount": 120.5,
        "currency": "EUR",
    }
    [listed] = await _listed(api, owner)
    [attempt] = listed["attempts"]
    assert attempt["event"] == "sale.recorded" and attempt["status"] == 204 and attempt["error"] == ""
    assert attempt["webhook_id"] == event["id"] and listed["waiting"] == 0
    # A week later the outbox forgets the delivered event (never the waiting ones).
    p = platform_of(api)
    assert await forget_delivered(p.db, clock.now() + timedelta(days=6)) == 0
    assert await forget_delivered(p.db, clock.now() + timedelta(days=8)) == 1


async def test_an_old_timestamp_or_a_wrong_secret_fails_the_receivers_check(api, owner, crm, clock):
    await _subscribed(api, owner, crm)
    crm.clock = SettableClock(NOW + timedelta(minutes=6))  # the CRM's clock is ahead: the delivery looks replayed
    conv = await conversation(platform_of(api).db, owner.tenant_id, "facebook", "psid-1", at=NOW)
    await _sell(api, owner, conv)
    await _deliver(api, clock)
    assert crm.refused == ["timestamp outside the tolerance"] and crm.accepted == []

    crm.clock, crm.secret = clock, "whsec_" + "A" * 44
    clock.advance(timedelta(seconds=30))
    await _deliver(api, clock)
    assert crm.refused[-1] == "bad signature" and crm.accepted == []
    [listed] = await _listed(api, owner)
    assert [a["status"] for a in listed["attempts"]] == [401, 401] and listed["waiting"] == 1


async def test_a_failing_receiver_is_retried_then_paused_after_a_day_and_the_owner_told(api, owner, crm, clock):
    created = await _subscribed(api, owner, crm)
    crm.failing_status = 500
    conv = await conversation(platform_of(api).db, owner.tenant_id, "facebook", "psid-1", at=NOW)
    await _sell(api, owner, conv)

    await _deliver(api, clock)
    assert crm.hits == 1
    clock.advance(timedelta(seconds=10))
    await _deliver(api, clock)
    assert crm.hits == 1  # the pause after a failure is not over yet
    for _ in range(40):  # a day of retries, each at its time
        clock.advance(timedelta(hours=1))
        await _deliver(api, clock)
    tries = crm.hits
    assert 8 <= tries <= 14, tries
    [listed] = await _listed(api, owner)
    assert listed["state"] == "paused" and "HTTP 500" in listed["paused_reason"] and listed["waiting"] == 1
    assert all(a["status"] == 500 for a in listed["attempts"])

    # The owner is told on every page, and nothing more is sent until they resume.
    await form_login(api, owner)
    page = await (await api.get("/inbox")).text()
    assert "Your CRM at 127.0.0.1 kept refusing events for a day" in page and 'href="/settings#webhooks"' in page
    settings_page = await (await api.get("/settings")).text()
    assert "Paused after a day of failed deliveries. Events wait for it: 1." in settings_page
    assert "Your CRM answered with an error (HTTP 500)." in settings_page
    clock.advance(timedelta(hours=3))
    await _deliver(api, clock)
    assert crm.hits == tries

    crm.failing_status = 0
    resumed = await api.post(f"/api/webhooks/{created['id']}/resume", headers=owner.auth)
    assert resumed.status == 200 and (await resumed.json())["state"] == "active"
    assert await _deliver(api, clock) == 1
    [event] = crm.events()
    assert event["type"] == "sale.recorded"
    assert (await _listed(api, owner))[0]["waiting"] == 0


async def test_a_redirect_is_a_failed_delivery_and_is_not_followed(api, owner, crm, clock):
    await _subscribed(api, owner, crm)
    crm.redirect_to = crm.url.replace("/hooks", "/elsewhere")
    conv = await conversation(platform_of(api).db, owner.tenant_id, "facebook", "psid-1", at=NOW)
    await _sell(api, owner, conv)
    assert await _deliver(api, clock) == 0
    assert crm.hits == 1 and crm.accepted == []
    [listed] = await _listed(api, owner)
    assert listed["attempts"][0]["status"] == 302 and "redirect" in listed["attempts"][0]["error"]


@pytest.mark.parametrize(
    ("url", "answers", "field"),
    [
        ("http://127.0.0.1:9/hooks", {}, "127.0.0.1"),
        ("http://[::1]/hooks", {}, "::1"),
        ("http://169.254.169.254/latest/meta-data", {}, "169.254.169.254"),
        ("http://crm.internal/hooks", {"crm_internal": ["10.1.2.3"]}, "10.1.2.3"),
        ("http://crm.example/hooks", {"crm_example": ["93.184.216.34", "fd00:ec2::254"]}, "fd00:ec2::254"),
        ("http://cgnat.example/hooks", {"cgnat_example": ["100.64.0.7"]}, "100.64.0.7"),
        ("http://mapped.example/hooks", {"mapped_example": ["::ffff:192.168.0.1"]}, "::ffff:192.168.0.1"),
        ("http://nowhere.example/hooks", {}, "could not be found"),
    ],
)
async def test_an_address_that_is_not_public_is_refused_at_save(api, owner, url, answers, field):
    use_dns(api.server.app, Dns(**answers))
    _allow_private(api, False)
    refused = await _add(api, owner, url, status=422)
    assert field in refused["error"]["fields"]["url"]
    assert await _listed(api, owner) == []


async def test_https_is_required_when_the_platform_is_served_over_https(api, owner):
    use_dns(api.server.app, Dns(crm_example=["93.184.216.34"]))
    _allow_private(api, False, public_url="https://bot.example.com")
    refused = await _add(api, owner, "http://crm.example/hooks", status=422)
    assert "https://" in refused["error"]["fields"]["url"]
    bad = await _add(api, owner, "ftp://crm.example/hooks", status=422)
    assert "url" in bad["error"]["fields"]
    unknown = await api.post(
        "/api/webhooks", json={"url": "https://crm.example/h", "events": ["lead.deleted"]}, headers=owner.auth
    )
    assert unknown.status == 422 and "events" in str((await unknown.json())["error"]["fields"])
    await _add(api, owner, "https://crm.example/hooks")


async def test_a_name_that_turns_private_after_saving_is_refused_at_delivery(api, owner, crm, clock):
    """DNS rebinding: the name was public when saved; at delivery it answers a loopback address."""
    port = crm.url.split(":")[2].split("/")[0]
    dns = Dns(crm_example=["93.184.216.34"])
    use_dns(api.server.app, dns)
    _allow_private(api, False)
    created = await _add(api, owner, f"http://crm.example:{port}/hooks")
    crm.secret = created["secret"]
    dns.names["crm.example"] = ["127.0.0.1"]
    conv = await conversation(platform_of(api).db, owner.tenant_id, "facebook", "psid-1", at=NOW)
    await _sell(api, owner, conv)

    assert await _deliver(api, clock) == 0
    assert crm.hits == 0
    [listed] = await _listed(api, owner)
    assert "127.0.0.1 is a loopback address" in listed["attempts"][0]["error"]

    # With private addresses allowed (development) the same pinned address is used, the name kept in Host.
    _allow_private(api)
    clock.advance(timedelta(minutes=5))
    assert await _deliver(api, clock) == 1
    assert crm.hosts == [f"crm.example:{port}"] and crm.events()[0]["type"] == "sale.recorded"


async def test_the_test_button_sends_a_signed_test_event(api, owner, crm):
    created = await _subscribed(api, owner, crm, ["lead.created"])
    response = await api.post(f"/api/webhooks/{created['id']}/test", headers=owner.auth)
    assert response.status == 200
    assert await response.json() == {"delivered": True, "status": 204, "error": ""}
    [event] = crm.events()
    assert event["type"] == "webhook.test" and event["data"]["endpoint_id"] == created["id"]

    crm.failing_status = 503
    failed = await (await api.post(f"/api/webhooks/{created['id']}/test", headers=owner.auth)).json()
    assert failed == {"delivered": False, "status": 503, "error": "answered HTTP 503"}


async def test_a_rotated_secret_signs_what_follows_and_the_old_one_stops(api, owner, crm, clock):
    created = await _subscribed(api, owner, crm)
    old = created["secret"]
    rotated = await api.post(f"/api/webhooks/{created['id']}/secret", headers=owner.auth)
    assert rotated.status == 200
    new = (await rotated.json())["secret"]
    assert new != old and new.startswith("whsec_")
    conv = await conversation(platform_of(api).db, owner.tenant_id, "facebook", "psid-1", at=NOW)
    await _sell(api, owner, conv)
    await _deliver(api, clock)
    assert crm.refused == ["bad signature"]  # the CRM still holds the old secret
    crm.secret = new
    clock.advance(timedelta(minutes=1))
    assert await _deliver(api, clock) == 1 and len(crm.accepted) == 1


async def test_another_business_neither_sees_nor_triggers_an_endpoint(api, owner, rival, crm, clock):
    created = await _subscribed(api, owner, crm)
    assert await _listed(api, rival) == []
    for path in ("test", "secret", "resume"):
        response = await api.post(f"/api/webhooks/{created['id']}/{path}", headers=rival.auth)
        assert response.status == 404, path
    assert (await api.delete(f"/api/webhooks/{created['id']}", headers=rival.auth)).status == 404
    assert crm.hits == 0
    # Nor through the settings page's forms.
    await form_login(api, rival)
    token = hidden_token(await (await api.get("/settings")).text())
    for path in ("test", "secret", "resume", "delete"):
        response = await api.post(f"/settings/webhooks/{created['id']}/{path}", data={"csrf_token": token}, allow_redirects=False)
        assert response.status == 404, path
    assert created["url"] not in await (await api.get("/settings")).text()
    assert crm.hits == 0 and len(await _listed(api, owner)) == 1

    # The rival's own sale goes to no one else's CRM.
    conv = await conversation(platform_of(api).db, rival.tenant_id, "facebook", "psid-9", at=NOW)
    await _sell(api, rival, conv)
    assert await _deliver(api, clock) == 0 and crm.hits == 0

    deleted = await api.delete(f"/api/webhooks/{created['id']}", headers=owner.auth)
    assert deleted.status == 200 and await _listed(api, owner) == []


async def test_the_settings_page_adds_tests_rotates_and_resumes_with_its_forms(api, owner, crm, clock):  # noqa: ARG001 # requested for what it sets up
    await form_login(api, owner)
    page = await (await api.get("/settings")).text()
    assert 'action="/settings/webhooks"' in page
    refused = await api.post("/settings/webhooks", data={"url": crm.url, "events": "sale.recorded"}, allow_redirects=False)
    assert refused.status == 403  # no CSRF field: nothing is saved
    _allow_private(api, False)
    use_dns(api.server.app, Dns())
    token = hidden_token(page)
    bad = await api.post("/settings/webhooks", data={"url": crm.url, "events": "sale.recorded", "csrf_token": token})
    assert bad.status == 422
    assert "127.0.0.1, which is not a public internet address" in await bad.text()
    _allow_private(api)

    added = await api.post(
        "/settings/webhooks",
        data=[("url", crm.url), ("events", "sale.recorded"), ("events", "lead.created"), ("csrf_token", token)],
    )
    html = await added.text()
    assert added.status == 201 and "it is not shown again" in html
    [listed] = await _listed(api, owner)
    assert listed["events"] == ["sale.recorded", "lead.created"]
    crm.secret = html.split("<code>whsec_", 1)[1].split("</code>", 1)[0]
    crm.secret = "whsec_" + crm.secret
    again = await (await api.get("/settings")).text()
    assert crm.secret not in again  # shown once

    tested = await api.post(f"/settings/webhooks/{listed['id']}/test", data={"csrf_token": token}, allow_redirects=False)
    assert tested.status == 303 and "webhook_test_delivered" in tested.headers["Location"]
    assert crm.events()[0]["type"] == "webhook.test"
    logged = await (await api.get("/settings")).text()
    assert "data-delivery-log" in logged and "Test event" in logged

    rotated = await api.post(f"/settings/webhooks/{listed['id']}/secret", data={"csrf_token": token})
    new = "whsec_" + (await rotated.text()).split("<code>whsec_", 1)[1].split("</code>", 1)[0]
    assert new != crm.secret
    crm.secret = new
    await api.post(f"/settings/webhooks/{listed['id']}/test", data={"csrf_token": token}, allow_redirects=False)
    assert len(crm.events("webhook.test")) == 2 and crm.refused == []

    resumed = await api.post(f"/settings/webhooks/{listed['id']}/resume", data={"csrf_token": token}, allow_redirects=False)
    assert resumed.status == 303
    removed = await api.post(f"/settings/webhooks/{listed['id']}/delete", data={"csrf_token": token}, allow_redirects=False)
    assert removed.status == 303 and await _listed(api, owner) == []


async def _died_after_writing(db, lead, now, **_):
    """A process killed right after the lead's write: its CRM events were stored with it, never handed over."""


async def test_lead_events_stored_with_the_write_survive_a_process_that_died_before_handing_them_over(
    api, owner, crm, clock, monkeypatch
):
    await _subscribed(api, owner, crm, ["lead.created", "lead.stage_changed"])
    db = platform_of(api).db
    conv = await conversation(db, owner.tenant_id, "facebook", "psid-7", at=NOW, name="Bo")
    monkeypatch.setattr(leads, "tell_crm", _died_after_writing)
    first = await leads.save_lead_after_turn(db, conv, LeadState(stage=LeadStage.engaged), campaign_id="", previous=None, now=NOW)
    assert await _deliver(api, clock) == 0  # nothing in the outbox yet

    # The next write carries the events on and hands them over with its own.
    monkeypatch.undo()
    clock.advance(timedelta(seconds=5))
    await leads.save_lead_after_turn(
        db, conv, LeadState(stage=LeadStage.qualified), campaign_id="", previous=first, now=clock.now()
    )
    assert await _deliver(api, clock) == 2
    assert [e["type"] for e in sorted(crm.events(), key=lambda e: e["data"]["previous_stage"])] == [
        "lead.created",
        "lead.stage_changed",
    ]
    changed = crm.events("lead.stage_changed")[0]["data"]
    assert changed["previous_stage"] == "engaged" and changed["stage"] == "qualified" and changed["name"] == "Bo"

    # With no later write, the delivery chore finds what was left once a minute has passed.
    other = await conversation(db, owner.tenant_id, "facebook", "psid-8", at=NOW)
    monkeypatch.setattr(leads, "tell_crm", _died_after_writing)
    await leads.save_lead_after_turn(db, other, LeadState(), campaign_id="", previous=None, now=clock.now())
    monkeypatch.undo()
    assert await leads.tell_crm_left_over(db, clock.now()) == 0  # too fresh: its own process may still be at it
    clock.advance(timedelta(minutes=2))
    assert await leads.tell_crm_left_over(db, clock.now()) == 1
    assert await _deliver(api, clock) == 1 and crm.events("lead.created")[-1]["data"]["customer_id"] == "psid-8"
    assert await leads.tell_crm_left_over(db, clock.now()) == 0


async def test_a_lead_event_no_endpoint_receives_is_not_kept_with_the_lead(api, owner, crm, clock):
    db = platform_of(api).db
    alone = await conversation(db, owner.tenant_id, "facebook", "psid-20", at=NOW)
    await leads.save_lead_after_turn(db, alone, LeadState(), campaign_id="", previous=None, now=NOW)
    stored = await db.leads.find_one({"tenant_id": owner.tenant_id, "conversation_id": alone.id})
    assert stored is not None and "crm_pending" not in stored  # no endpoint at all: nothing waits to be handed over

    await _subscribed(api, owner, crm, ["lead.stage_changed"])
    conv = await conversation(db, owner.tenant_id, "facebook", "psid-21", at=NOW)
    first = await leads.save_lead_after_turn(db, conv, LeadState(), campaign_id="", previous=None, now=NOW)
    assert first.crm_pending == []
    await leads.save_lead_after_turn(db, conv, LeadState(stage=LeadStage.qualified), campaign_id="", previous=first, now=NOW)
    assert await _deliver(api, clock) == 1
    assert [e["type"] for e in crm.events()] == ["lead.stage_changed"]
    assert crm.events()[0]["data"]["customer_id"] == "psid-21"
    assert await leads.tell_crm_left_over(db, NOW + timedelta(minutes=5)) == 0


async def test_the_delivery_chore_of_whichever_process_runs_next_delivers(api, owner, crm, clock, redis):  # noqa: ARG001 # requested for what it sets up
    await _subscribed(api, owner, crm)
    conv = await conversation(platform_of(api).db, owner.tenant_id, "facebook", "psid-1", at=NOW)
    await _sell(api, owner, conv)
    chores = [c for c in build_chores(platform_of(api)) if c.name.endswith("webhooks")]
    assert sorted(c.name for c in chores) == ["deliver-webhooks", "forget-delivered-webhooks"]
    assert await run_due(redis, chores) == ["deliver-webhooks", "forget-delivered-webhooks"]
    assert [e["type"] for e in crm.events()] == ["sale.recorded"]
    assert await run_due(redis, chores) == []  # another process within the interval leaves them
