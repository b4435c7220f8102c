"""The setup checklist: "Go live" is done with an active campaign and the other steps met, and says what is missing."""

from __future__ import annotations

import re

from aiohttp.test_utils import TestClient

from channels.accounts import connect_account
from dashboard.pages.home import note_progress
from dashboard.setup_steps import SetupFacts, missing_to_go_live, setup_steps
from tests.dashboard.conftest import SignedUp, platform_of
from tests.dashboard.test_pages import form_login

READY = SetupFacts(described=True, campaigns=2, active_campaigns=1, channels=1, tried_playground=True)


def live(facts: SetupFacts):
    return next(step for step in setup_steps(facts) if step.key == "live")


def test_going_live_needs_an_active_campaign_with_the_other_steps_met_and_no_customer_yet() -> None:
    assert all(step.done for step in setup_steps(READY))
    assert live(READY).missing == ()


def test_each_unmet_step_is_named_with_the_link_that_fixes_it() -> None:
    nothing = SetupFacts(described=False, campaigns=0, active_campaigns=0, channels=0, tried_playground=False)
    assert [(m.href, m.action) for m in missing_to_go_live(nothing)] == [
        ("/onboarding", "Add business details"),
        ("/campaigns/new", "Create a campaign"),
        ("/integrations", "Connect a channel"),
        ("/playground", "Open the playground"),
    ]
    step = live(nothing)
    assert not step.done and (step.href, step.action) == ("/onboarding", "Add business details")


def test_campaigns_that_are_not_active_are_named_as_such() -> None:
    paused = SetupFacts(described=True, campaigns=3, active_campaigns=0, channels=1, tried_playground=True)
    [only] = missing_to_go_live(paused)
    assert only.href == "/campaigns" and "active campaign" in only.what
    assert [step.done for step in setup_steps(paused)] == [True, True, True, True, False]


async def test_the_home_page_lists_what_is_missing_and_drops_the_checklist_once_live(api: TestClient, owner: SignedUp) -> None:
    await form_login(api, owner)
    html = await (await api.get("/dashboard")).text()
    missing = re.search(r"<ul class=\"missing\" data-missing>(.*?)</ul>", html, re.S)
    assert missing is not None
    assert [href for href in re.findall(r'href="([^"]+)"', missing.group(1))] == [
        "/onboarding",
        "/campaigns/new",
        "/integrations",
        "/playground",
    ]

    await api.put("/api/onboarding", json={"name": "Acme", "description": "Shoes."}, headers=owner.auth)
    created = await api.post(
        "/api/campaigns",
        json={"name": "Spring", "product": {"name": "Runner", "price": 49}, "status": "active"},
        headers=owner.auth,
    )
    assert created.status == 201
    services = platform_of(api)
    await connect_account(services.db, services.cipher, owner.tenant_id, "facebook", "123456", "page-token", name="Acme page")
    html = await (await api.get("/dashboard")).text()
    missing = re.search(r"<ul class=\"missing\" data-missing>(.*?)</ul>", html, re.S)
    assert missing is not None and re.findall(r'href="([^"]+)"', missing.group(1)) == ["/playground"]

    await note_progress(platform_of(api).redis, owner.tenant_id, "playground")
    html = await (await api.get("/dashboard")).text()
    assert "Get your bot ready" not in html  # live: an active campaign and every other step, no customer needed
