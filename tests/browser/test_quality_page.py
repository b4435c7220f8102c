"""The test questions page in a real browser at desktop and phone size: add questions, run them, read each
verdict in words, delete one. No policy violation, no sideways scrolling, no serious accessibility problem."""

from __future__ import annotations

import pytest

from knowledge.campaigns import create_campaign
from knowledge.documents import add_document
from knowledge.models import CampaignIn
from tests.browser.conftest import MISSING, VIEWPORTS, Site, Visit

pytestmark = pytest.mark.skipif(bool(MISSING), reason=f"browser tests skipped: {MISSING}")

GUIDE = b"# Studio guide\n\nCan I bring my dog?\nDogs are welcome on the terrace, but not in the studio rooms.\n"


async def seed(site: Site, tenant_id: str) -> None:
    from bot.runtime.host import SERVICES

    db = site.app[SERVICES].db
    body = {
        "name": "Pass",
        "status": "active",
        "target_platform": "all",
        "product": {"name": "Yoga Pass", "price": 49, "currency": "USD"},
    }
    await create_campaign(db, tenant_id, CampaignIn.model_validate(body))
    await add_document(db, tenant_id, "guide.md", "text/markdown", GUIDE)


async def add_question(visit: Visit, question: str, expected: str) -> None:
    page = visit.page
    await page.fill("[name=question]", question)
    await page.fill("[name=expected]", expected)
    await page.get_by_role("button", name="Add question").click()
    await page.wait_for_selector("text=Question added")


@pytest.mark.parametrize("viewport", sorted(VIEWPORTS))
async def test_owner_tests_their_questions_and_reads_each_verdict(site: Site, open_visit, viewport: str) -> None:
    signup = await site.client.post(
        "/api/signup",
        json={"email": f"{viewport}@example.com", "password": "long enough password", "business_name": "Harbour Yoga"},
    )
    assert signup.status == 201
    await seed(site, (await signup.json())["tenant_id"])
    visit: Visit = await open_visit(viewport)
    page = visit.page
    await page.goto(site.url + "/login")
    await page.fill("[name=email]", f"{viewport}@example.com")
    await page.fill("[name=password]", "long enough password")
    await page.locator("main").get_by_role("button", name="Log in").click()
    await page.wait_for_url("**/dashboard")

    await page.goto(site.url + "/playground")
    await page.get_by_role("link", name="Test questions").last.click()
    await page.wait_for_url("**/quality")
    await page.wait_for_selector("text=No test questions yet")
    await visit.check("quality-empty")

    # A mistake first: the field says what is wrong and keeps what was typed.
    await page.fill("[name=question]", "Do you have a sauna?")
    await page.fill("[name=expected]", "sauna")
    await page.get_by_role("button", name="Add question").click()
    await page.wait_for_selector("#f-expected-error")
    assert await page.input_value("[name=question]") == "Do you have a sauna?"
    await visit.check("quality-error")

    await add_question(visit, "How much is the Yoga Pass?", "$49")
    await add_question(visit, "Can I bring my dog?", "terrace")
    await add_question(visit, "Do you take American Express?", "Amex")
    await add_question(visit, "How much is the Yoga Pass?", "$99")
    await page.get_by_role("button", name="Run all 4 questions").click()
    await page.wait_for_selector("text=2 of 4 answered")
    await page.wait_for_selector("text=1 wrong answer · 1 handed to your team")
    results = page.locator(".quality-results > li")
    assert await results.count() == 4
    assert await results.nth(0).locator(".badge").inner_text() == "Answered"
    assert await results.nth(2).locator(".badge").inner_text() == "Handed to your team"
    assert await results.nth(3).locator(".badge").inner_text() == "Wrong answer"
    await visit.check("quality-results")

    await page.get_by_role("button", name="Delete “How much is the Yoga Pass?”").last.click()
    await page.wait_for_selector("text=Question deleted")
    await page.wait_for_selector("text=Your questions changed since this run")
    assert await page.locator(".quality-questions > li").count() == 3
    await visit.check("quality-deleted")
